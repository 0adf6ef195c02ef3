/** Money in integer minor units, as the contracts' `Money`. */
export interface Money {
  currency: string;
  amount: number;
}

export const money = (currency: string, amount: number): Money => ({ currency, amount });

/** Tax on a net amount at `rateBp` basis points, rounded half up (the contracts' rule for default line tax). */
export const taxOf = (net: number, rateBp: number): number => Math.floor((net * rateBp + 5000) / 10000);

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
