// The platform's chat colours (im.chat.add / im.chat.updateColor take the name; chat objects
// carry the hex value, Bitrix\Im\Color's table).
export const CHAT_COLORS: ReadonlyArray<{ name: string; label: string; hex: string }> = [
  { name: 'RED', label: 'Red', hex: '#df532d' },
  { name: 'GREEN', label: 'Green', hex: '#64a513' },
  { name: 'MINT', label: 'Mint', hex: '#4ba984' },
  { name: 'LIGHT_BLUE', label: 'Light blue', hex: '#4ba5c3' },
  { name: 'DARK_BLUE', label: 'Dark blue', hex: '#3e99ce' },
  { name: 'PURPLE', label: 'Purple', hex: '#8474c8' },
  { name: 'AQUA', label: 'Aqua', hex: '#1eb4aa' },
  { name: 'PINK', label: 'Pink', hex: '#f76187' },
  { name: 'LIME', label: 'Lime', hex: '#58cc47' },
  { name: 'BROWN', label: 'Brown', hex: '#ab7761' },
  { name: 'AZURE', label: 'Azure', hex: '#29619b' },
  { name: 'KHAKI', label: 'Khaki', hex: '#728f7a' },
  { name: 'SAND', label: 'Sand', hex: '#ba9c7b' },
  { name: 'MARENGO', label: 'Marengo', hex: '#556574' },
  { name: 'GRAY', label: 'Gray', hex: '#909090' },
  { name: 'GRAPHITE', label: 'Graphite', hex: '#5e5f5e' },
]

export function colorNameOf(hex: string | undefined): string {
  const h = (hex ?? '').toLowerCase()
  return CHAT_COLORS.find((c) => c.hex === h || c.name === (hex ?? '').toUpperCase())?.name ?? ''
}
