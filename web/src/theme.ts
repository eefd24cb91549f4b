// Light and dark themes follow the system. The UI kit's colours switch on a `dark` / `light`
// class of <html> (its colour-mode plugin does the same, but installing the kit's Vue plugin
// would register every component of the kit, see main.ts).
export function followSystemTheme(): void {
  const dark = window.matchMedia('(prefers-color-scheme: dark)')
  const apply = () => {
    document.documentElement.classList.toggle('dark', dark.matches)
    document.documentElement.classList.toggle('light', !dark.matches)
  }
  apply()
  dark.addEventListener('change', apply)
}
