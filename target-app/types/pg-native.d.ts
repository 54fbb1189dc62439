// The part of pg-native's API the sync variant uses (the package ships no types).
declare module 'pg-native' {
  class Client {
    constructor(config?: { arrayMode?: boolean });
    connectSync(params?: string): void;
    querySync(text: string, values?: ReadonlyArray<string | null>): Array<Record<string, unknown>>;
    end(cb?: () => void): void;
  }
  export default Client;
}
