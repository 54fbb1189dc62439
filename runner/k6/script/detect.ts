// Which scenario files are k6 scripts: a pre-filter cheap enough for every `stampede run`
// (native scenarios import k6 *types* only, and pay nothing more than this test).

/**
 * Whether a source text may be a k6 script: a runtime import of `k6`/`k6/*` or of a k6 jslib URL
 * (`import type` lines are not). A cheap pre-filter on the text; the bundler then decides (an
 * import that only brings types is dropped by it, and the file is then a native scenario).
 */
export function mayBeK6Script(text: string): boolean {
  return /^\s*import\s+(?!type\s)[^;]*?\bfrom\s*['"](k6|k6\/[^'"]+|https:\/\/jslib\.k6\.io\/[^'"]+)['"]|^\s*import\s*['"]k6(\/|['"])/m.test(text);
}
