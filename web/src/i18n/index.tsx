// The console's language: French or English, first from what the visitor
// chose before (localStorage), then from the browser's languages. Every
// visible string comes from the tables in en.ts and fr.ts; dates and numbers
// are formatted for the same language.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey, type Messages } from './en.ts';
import { fr } from './fr.ts';

export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];
const TABLES: Record<Lang, Messages> = { en, fr };
const STORAGE_KEY = 'relais.lang';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface Formatters {
  /** An ISO 8601 instant as a local date and time; '—' for none. */
  dateTime(iso: string | null | undefined): string;
  /** An ISO 8601 instant as a local date only. */
  date(iso: string | null | undefined): string;
  number(n: number): string;
  bytes(n: number): string;
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  fmt: Formatters;
}

function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'fr';
}

/** The remembered choice, else the first French or English entry of navigator.languages, else English. */
export function initialLang(): Lang {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch (err) {
    // Storage refused (privacy mode): the browser's languages decide.
    console.warn('relais: language choice not readable', err);
  }
  if (isLang(saved)) return saved;
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of wanted) {
    const base = (tag ?? '').toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

function translator(lang: Lang): Translate {
  const table = TABLES[lang];
  return (key, vars) =>
    // A key built from data (an outcome, a kind) may be unknown: the key itself shows.
    (table[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

function formatters(lang: Lang): Formatters {
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' });
  const dateOnly = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const number = new Intl.NumberFormat(lang);
  const oneDecimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const units = lang === 'fr' ? ['o', 'ko', 'Mo', 'Go'] : ['B', 'kB', 'MB', 'GB'];
  return {
    dateTime: (iso) => (iso ? dateTime.format(new Date(iso)) : '—'),
    date: (iso) => (iso ? dateOnly.format(new Date(iso)) : '—'),
    number: (n) => number.format(n),
    bytes: (n) => {
      let value = n;
      let unit = 0;
      while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
      }
      return `${oneDecimal.format(value)} ${units[unit]}`;
    },
  };
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch (err) {
      // Not remembered across visits, but switched for this one.
      console.warn('relais: language choice not stored', err);
    }
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: translator(lang), fmt: formatters(lang) }), [lang, setLang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = value.t('app.title');
  }, [lang, value]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}

export type { MessageKey };
