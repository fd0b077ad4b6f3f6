import type { Currency } from "./currencies";
import { formatMinor } from "./money";
import type { InvoiceView } from "./invoices";


const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One CSV cell. Text starting with = + - @ (or a tab/CR) would run as a formula in a spreadsheet,
 * so it is prefixed with a quote; plain numbers (including negative ones) are left alone.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function invoicesToCsv(invoices: InvoiceView[], customerNames: Map<string, string>): string {
  const header = ["number", "customer", "customer_name", "period_start", "period_end", "status", "currency", "subtotal_minor", "tax_minor", "total_minor", "total", "due_at"];
  const rows = invoices.map((i) => [
    i.number, i.customer, customerNames.get(i.customer) ?? "", i.period.start, i.period.end, i.status, i.currency,
    i.subtotal, i.tax, i.total, formatMinor(i.total, i.currency as Currency), i.dueAt,
  ]);
  return [header, ...rows].map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
