import { useEffect } from 'react';
import type { Theme } from '../../shared/api.js';

/** 'system' follows the OS (the stylesheet's media query); light and dark pin it. */
export function useTheme(theme: Theme | undefined) {
  useEffect(() => {
    const root = document.documentElement;
    if (!theme || theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);
}
