/** Distinguishable in light and dark, in stacking order; "other relations" is grey. */
export const PALETTE = ["#6366f1", "#f59e0b", "#10b981", "#ef4444", "#06b6d4", "#a855f7", "#84cc16", "#ec4899"];
export const OTHER_COLOR = "#a1a1aa";
