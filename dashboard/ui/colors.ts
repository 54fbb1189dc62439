// One palette for every chart: percentiles go cool → hot as they reach further into the tail.
export const PERCENTILE_COLORS = { p50: '#2b6cb0', p90: '#2f855a', p99: '#dd6b20', p999: '#c53030' } as const;
export const SERIES_COLORS = ['#2b6cb0', '#dd6b20', '#2f855a', '#805ad5', '#c53030', '#b7791f', '#319795', '#d53f8c', '#4a5568'] as const;
export const colorAt = (i: number): string => SERIES_COLORS[i % SERIES_COLORS.length] ?? '#4a5568';
