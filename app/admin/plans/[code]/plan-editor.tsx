"use client";
import { useMemo, useState } from "react";
import type { Currency } from "@/lib/billing/currencies";
import { displayMoney } from "@/lib/billing/money";
import { pricingSchema, type Pricing } from "@/lib/billing/pricing-schema";
import { rate } from "@/lib/billing/rate";
import type { Impact } from "@/lib/admin/impact";
import { previewImpactAction, publishVersionAction } from "../../actions";

type Problem = { path: string; message: string };

/** Parses the JSON text with the shared pricing schema; every problem names its JSON path. */
function validate(text: string, metrics: string[]): { pricing: Pricing | null; problems: Problem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { pricing: null, problems: [{ path: "(document)", message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const parsed = pricingSchema.safeParse(raw);
  if (!parsed.success) {
    return { pricing: null, problems: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(document)", message: i.message })) };
  }
  const unknown = parsed.data.charges.flatMap((c, i) => (metrics.includes(c.metric) ? [] : [{ path: `charges.${i}.metric`, message: `no metric with code "${c.metric}"` }]));
  return { pricing: unknown.length ? null : parsed.data, problems: unknown };
}

type Sort = "customer" | "current" | "last";

export function PlanEditor({ planCode, initial, metrics }: { planCode: string; initial: Pricing; metrics: string[] }) {
  const [text, setText] = useState(() => JSON.stringify(initial, null, 2));
  const { pricing, problems } = useMemo(() => validate(text, metrics), [text, metrics]);
  const [effective, setEffective] = useState<"next_period" | "now">("next_period");
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [impact, setImpact] = useState<Impact | null>(null);
  const [sort, setSort] = useState<Sort>("current");

  // The form view edits the same document: a change there rewrites the JSON text.
  const editTier = (chargeIndex: number, tierIndex: number, field: "upTo" | "unitPrice" | "flatFee", value: string) => {
    const doc = JSON.parse(text);
    const tier = doc.charges[chargeIndex].tiers[tierIndex];
    if (field === "upTo") tier.upTo = value === "" ? null : value;
    else if (field === "flatFee" && value === "") delete tier.flatFee;
    else tier[field] = value;
    setText(JSON.stringify(doc, null, 2));
  };

  async function runPreview() {
    if (!pricing) return;
    setBusy(true);
    const result = await previewImpactAction(planCode, pricing);
    setBusy(false);
    if (result.ok) setImpact(result.data);
    else setStatus(`Preview failed: ${result.error}`);
  }

  async function publish() {
    if (!pricing) return;
    setBusy(true);
    const result = await publishVersionAction(planCode, pricing, effective);
    setBusy(false);
    setStatus(result.ok ? `Published version ${result.data.version} (${effective === "now" ? "prices the current period too" : "from each customer's next period"}).` : `Not published: ${result.error} ${result.details.map((d) => `${d.path}: ${d.message}`).join("; ")}`);
  }

  const money = (minor: number) => displayMoney(minor, (pricing?.currency ?? initial.currency) as Currency);
  const rows = impact ? [...impact.rows].sort((a, b) => (sort === "customer" ? a.customer.localeCompare(b.customer) : sort === "current" ? b.current.delta - a.current.delta : (b.last?.delta ?? 0) - (a.last?.delta ?? 0))) : [];

  return (
    <div className="editor">
      <section className="card" aria-labelledby="json-heading">
        <h2 id="json-heading">Pricing JSON</h2>
        <label htmlFor="pricing-json" className="muted small">The draft version; checked as you type.</label>
        <textarea id="pricing-json" className="code" spellCheck={false} rows={22} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={problems.length > 0} aria-describedby="pricing-problems" />
        <div id="pricing-problems" aria-live="polite">
          {problems.length === 0 ? (
            <p className="ok-text">Valid pricing.</p>
          ) : (
            <ul className="error-text" data-testid="pricing-errors">
              {problems.map((p, i) => <li key={i}><code>{p.path}</code>: {p.message}</li>)}
            </ul>
          )}
        </div>
      </section>

      <section className="card" aria-labelledby="form-heading">
        <h2 id="form-heading">Tiers</h2>
        {!pricing && problems.some((p) => p.path === "(document)") ? <p className="empty">Fix the JSON to edit tiers here.</p> : null}
        {(() => {
          let doc: { charges?: { metric: string; model: string; tiers?: { upTo: string | null; unitPrice: string; flatFee?: string }[] }[] } = {};
          try { doc = JSON.parse(text); } catch { return null; }
          return (doc.charges ?? []).map((charge, c) => (
            <fieldset key={c} className="tiers">
              <legend><code>{charge.metric}</code> · {charge.model}</legend>
              {charge.tiers ? (
                <table>
                  <thead><tr><th scope="col">Tier</th><th scope="col">Up to</th><th scope="col">Unit price</th><th scope="col">Flat fee</th></tr></thead>
                  <tbody>
                    {charge.tiers.map((tier, t) => (
                      <tr key={t}>
                        <td>{t + 1}</td>
                        <td><input aria-label={`${charge.metric} tier ${t + 1} up to`} value={tier.upTo ?? ""} placeholder="∞" onChange={(e) => editTier(c, t, "upTo", e.target.value)} /></td>
                        <td><input aria-label={`${charge.metric} tier ${t + 1} unit price`} value={tier.unitPrice} onChange={(e) => editTier(c, t, "unitPrice", e.target.value)} /></td>
                        <td><input aria-label={`${charge.metric} tier ${t + 1} flat fee`} value={tier.flatFee ?? ""} placeholder="0" onChange={(e) => editTier(c, t, "flatFee", e.target.value)} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : <p className="muted small">No tiers in this model.</p>}
            </fieldset>
          ));
        })()}
      </section>

      <Calculator pricing={pricing} money={money} />

      <section className="card" aria-labelledby="impact-heading">
        <h2 id="impact-heading">Impact preview</h2>
        <p className="muted small">Re-rates every subscribed customer's current period and last closed period under the live version and this draft.</p>
        <button type="button" className="btn secondary" disabled={!pricing || busy} onClick={runPreview}>Preview impact</button>
        {impact ? (
          <div data-testid="impact">
            <p>
              <strong>{impact.customers}</strong> customers; <strong data-testid="impact-rising">{impact.rising}</strong> would pay more this period.
              Current period {money(impact.totals.current.live)} → {money(impact.totals.current.draft)} ({impact.totals.current.delta >= 0 ? "+" : ""}{money(impact.totals.current.delta)});
              last period {money(impact.totals.last.live)} → {money(impact.totals.last.draft)}.
            </p>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col"><button type="button" className="linkish" onClick={() => setSort("customer")}>Customer</button></th>
                    <th scope="col" className="num">This period (live → draft)</th>
                    <th scope="col" className="num"><button type="button" className="linkish" onClick={() => setSort("current")}>Change</button></th>
                    <th scope="col" className="num">Last period (live → draft)</th>
                    <th scope="col" className="num"><button type="button" className="linkish" onClick={() => setSort("last")}>Change</button></th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.customer}>
                      <td><code>{r.customer}</code> {r.name}</td>
                      <td className="num">{money(r.current.live)} → {money(r.current.draft)}</td>
                      <td className={`num ${r.current.delta > 0 ? "up" : r.current.delta < 0 ? "down" : ""}`}>{r.current.delta > 0 ? "+" : ""}{money(r.current.delta)}</td>
                      <td className="num">{r.last ? `${money(r.last.live)} → ${money(r.last.draft)}` : "—"}</td>
                      <td className="num">{r.last ? `${r.last.delta > 0 ? "+" : ""}${money(r.last.delta)}` : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="publish-heading">
        <h2 id="publish-heading">Publish</h2>
        <fieldset className="radios">
          <legend className="muted small">Takes effect</legend>
          <label><input type="radio" name="effective" checked={effective === "next_period"} onChange={() => setEffective("next_period")} /> from each customer&apos;s next period</label>
          <label><input type="radio" name="effective" checked={effective === "now"} onChange={() => setEffective("now")} /> now: reprice the current period too</label>
        </fieldset>
        <button type="button" className="btn" disabled={!pricing || busy} onClick={publish}>Save and publish</button>
        {status ? <p role="status">{status}</p> : null}
      </section>
    </div>
  );
}

function Calculator({ pricing, money }: { pricing: Pricing | null; money: (minor: number) => string }) {
  const [metric, setMetric] = useState<string>("");
  const [quantity, setQuantity] = useState("150000");
  const charges = pricing?.charges ?? [];
  const chosen = charges.find((c) => c.metric === metric) ?? charges[0];
  let lines: ReturnType<typeof rate>["lines"] = [];
  let error: string | null = null;
  if (pricing && chosen) {
    if (/^\d{1,15}(\.\d{1,12})?$/.test(quantity)) {
      lines = rate({ ...pricing, baseFee: "0", minimumCommitment: "0", taxRate: "0", charges: [chosen] }, new Map([[chosen.metric, quantity]])).lines;
    } else error = "Type a quantity such as 150000 or 12.5.";
  }
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return (
    <section className="card" aria-labelledby="calc-heading">
      <h2 id="calc-heading">Price calculator</h2>
      {!pricing ? <p className="empty">Fix the pricing to use the calculator.</p> : (
        <>
          <div className="inline-form">
            <label htmlFor="calc-metric">Metric</label>
            <select id="calc-metric" value={chosen?.metric ?? ""} onChange={(e) => setMetric(e.target.value)}>
              {charges.map((c) => <option key={c.metric} value={c.metric}>{c.metric}</option>)}
            </select>
            <label htmlFor="calc-quantity">Quantity</label>
            <input id="calc-quantity" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value.trim())} />
          </div>
          {error ? <p className="error-text">{error}</p> : (
            <table data-testid="calculator">
              <thead><tr><th scope="col">Line</th><th scope="col" className="num">Quantity</th><th scope="col" className="num">Unit price</th><th scope="col" className="num">Amount</th></tr></thead>
              <tbody>
                {lines.map((l, i) => <tr key={i}><td>{l.description}</td><td className="num">{l.quantity}</td><td className="num">{l.unitPrice}</td><td className="num">{money(l.amount)}</td></tr>)}
                {lines.length === 0 ? <tr><td colSpan={4} className="empty">Nothing to pay for this quantity.</td></tr> : null}
              </tbody>
              <tfoot><tr><th scope="row" colSpan={3}>Before tax</th><td className="num total" data-testid="calculator-total">{money(total)}</td></tr></tfoot>
            </table>
          )}
        </>
      )}
    </section>
  );
}
