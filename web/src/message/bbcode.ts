// BB-code text of messages (protocol.md §12.3). `plainText` gives the cleaned one-line text the
// recent list and notifications show; the full renderer lives beside it.
export function plainText(text: string): string {
  return text
    .replace(/\[(USER|CHAT)=[^\]]*\](.*?)\[\/\1\]/gis, '$2')
    .replace(/\[URL=[^\]]*\](.*?)\[\/URL\]/gis, '$1')
    .replace(/\[(SEND|PUT)(?:=[^\]]*)?\](.*?)\[\/\1\]/gis, '$2')
    .replace(/\[ICON=[^\]]*\]/gi, '[icon]')
    .replace(/\[DISK=\d+\]/gi, '[file]')
    .replace(/\[\/?[A-Z]+(?:=[^\]]*)?\]/gi, '')
    .replace(/\s+/g, ' ')
    .trim()
}
