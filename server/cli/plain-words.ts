/** An amount in fen as a person reads it in the command line's summaries: 120000 is "1,200.00". */
export const yuan = (fen: string | number | bigint): string => (Number(fen) / 100).toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
