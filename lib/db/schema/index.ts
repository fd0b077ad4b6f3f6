export * from "./plans";
export * from "./customers";
export * from "./metrics";
export * from "./events";
export * from "./api-keys";
export * from "./invoices";
export * from "./auth";
export * from "./alerts";
