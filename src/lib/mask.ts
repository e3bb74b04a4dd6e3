// Masked display names for checkpoints: the surname stays, the given name becomes stars (张*, 欧阳**).
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯',
  '轩辕', '令狐', '端木', '独孤', '南宫', '西门', '百里', '呼延', '澹台', '公冶', '宗政', '濮阳', '太史', '申屠', '闾丘'
])

export function maskName (name: string | null): string | null {
  if (name === null) return null
  const chars = [...name.trim()]
  if (chars.length === 0) return null
  const keep = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1
  if (chars.length === 1) return chars[0] as string
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep)
}
