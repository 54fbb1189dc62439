// `k6/options` exists for its types only (k6's TypeScript support erases them): nothing at run time.
export {};
