// Inline styles shared by the table widget and the histogram's stats row.
export const TABLE_STYLE =
  "border-collapse:collapse;margin:4px 0;font-family:sans-serif;" +
  "font-variant-numeric:tabular-nums;";
