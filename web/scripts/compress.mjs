// Writes <file>.br and <file>.gz beside every compressible file of the client's build, so that
// imhub sends them precompressed (src/http/web_client.hpp) and never compresses at run time.
// Run after `vite build`: node scripts/compress.mjs [dist directory, default ../dist from here].
// Node built-ins only. Brotli at quality 11 and gzip at level 9: slow, but once per build.
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs'
import { join, dirname, extname, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync, constants } from 'node:zlib'

const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.html', '.json', '.wasm'])
const MIN_BYTES = 1024 // smaller files gain less than a header costs

const here = dirname(fileURLToPath(import.meta.url))
const dist = process.argv[2] || join(here, '..', 'dist')

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (entry.isFile()) yield path
  }
}

let count = 0
let before = 0
let after = 0
for (const path of [...files(dist)]) {
  if (!COMPRESSIBLE.has(extname(path).toLowerCase())) continue
  const size = statSync(path).size
  if (size <= MIN_BYTES) continue
  const data = readFileSync(path)
  const variants = [
    ['.br', brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [constants.BROTLI_PARAM_MODE]: extname(path) === '.wasm' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
      },
    })],
    ['.gz', gzipSync(data, { level: 9 })],
  ]
  for (const [suffix, packed] of variants) {
    // A variant no smaller than the file is not written (and a stale one is removed): imhub then
    // sends the file itself.
    if (packed.length < data.length) writeFileSync(path + suffix, packed)
    else rmSync(path + suffix, { force: true })
  }
  count++
  before += size
  after += Math.min(variants[0][1].length, size)
}
console.log(`compress: ${count} files in ${relative(process.cwd(), dist) || '.'}, ${before} bytes → ${after} with brotli`)
