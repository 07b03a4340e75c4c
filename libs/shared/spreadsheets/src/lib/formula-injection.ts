/**
 * A text cell that starts with one of these is run as a formula by Excel/LibreOffice when the
 * file is opened or a csv is imported (CSV injection: `=HYPERLINK(...)`, `@SUM(...)`, DDE).
 * OWASP's list: = + - @ TAB CR.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/** The text as a spreadsheet shows it but never evaluates: a leading apostrophe when it could start a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

/**
 * The inverse of neutraliseFormula, for an import of our own export (round trip): the
 * apostrophe is dropped only where neutraliseFormula would have added it.
 */
export function restoreNeutralisedFormula(text: string): string {
  return text.startsWith("'") && FORMULA_TRIGGER.test(text.slice(1)) ? text.slice(1) : text;
}
