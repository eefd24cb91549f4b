// Writes .br and .gz beside every compressible file of dist/ larger than 1 KB, so imhub serves
// precompressed assets without compressing at run time. Node's built-in zlib only.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, extname } from 'node:path'
import { brotliCompressSync, gzipSync, constants } from 'node:zlib'

const root = new URL('../dist/', import.meta.url).pathname
const kinds = new Set(['.js', '.css', '.svg', '.html', '.json', '.wasm'])

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (kinds.has(extname(name)) && statSync(path).size > 1024) {
      const data = readFileSync(path)
      writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
      writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
    }
  }
}
walk(root)
