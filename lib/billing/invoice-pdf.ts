import PDFDocument from "pdfkit";
import type { Currency } from "./currencies";
import { formatMinor } from "./money";
import type { InvoiceView } from "./invoices";

type Line = { kind: string; metric: string | null; tier: number | null; description: string; quantity: string; unitPrice: string; flatFee: string; amount: number };

/** Renders an invoice as a PDF: header, period, line items by tier, subtotal, tax, total. */
export function renderInvoicePdf(invoice: InvoiceView, customerName: string): Promise<Buffer> {
  const currency = invoice.currency as Currency;
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: `Invoice ${invoice.number ?? `draft ${invoice.id}`}` } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));

  doc.fontSize(20).text("Meterline", { continued: false });
  doc.moveDown(0.5).fontSize(14).text(invoice.number ? `Invoice ${invoice.number}` : `Draft invoice #${invoice.id}`);
  doc.fontSize(10).fillColor("#444")
    .text(`Customer: ${customerName} (${invoice.customer})`)
    .text(`Period: ${invoice.period.start.slice(0, 10)} to ${invoice.period.end.slice(0, 10)} (end exclusive)`)
    .text(`Status: ${invoice.status}${invoice.overdue ? " (overdue)" : ""}${invoice.dueAt ? `, due ${invoice.dueAt.slice(0, 10)}` : ""}`);
  doc.moveDown().fillColor("#000");

  const columns = [50, 250, 340, 430];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(9);
    doc.text(cells[0], columns[0], y, { width: 195 });
    const height = doc.y - y;
    doc.text(cells[1], columns[1], y, { width: 85, align: "right" });
    doc.text(cells[2], columns[2], y, { width: 85, align: "right" });
    doc.text(cells[3], columns[3], y, { width: 115, align: "right" });
    doc.y = y + Math.max(height, 12) + 4;
  };
  row(["Item", "Quantity", "Unit price", "Amount"], true);
  for (const line of invoice.lines as Line[]) {
    const label = line.metric ? `${line.metric}: ${line.description}` : line.description;
    const flat = line.flatFee !== "0" ? ` + ${line.flatFee} flat` : "";
    row([label, line.quantity, `${line.unitPrice}${flat}`, formatMinor(line.amount, currency)]);
  }
  doc.moveDown(0.5);
  row(["Subtotal", "", "", formatMinor(invoice.subtotal, currency)], true);
  row(["Tax", "", "", formatMinor(invoice.tax, currency)]);
  row(["Total", "", "", formatMinor(invoice.total, currency)], true);
  doc.end();
  return finished;
}
