import { Liquid, type Template } from 'liquidjs';
import { err, ok, type Result } from '../../platform/result.ts';
import { arabicDigits, type DigitStyle, gregorian, jalali, money, persianDigits, toman } from './filters.ts';

/**
 * The sandboxed Liquid environments. Two engines differ only in escaping: `html` escapes every
 * output (a customer named `<script>` stays text in an email), `text` does not (an SMS is not
 * HTML). A template parsed by one engine must be rendered by that engine.
 *
 * Sandboxing: only own properties are readable (no `constructor`, no prototype walk); there is no
 * file system (`include`, `render` and `layout` do not exist, so using them is a parse error);
 * parse size, render time and memory are bounded so one template cannot stall a broadcast.
 */
export type Escaping = 'html' | 'text';

export interface LiquidPosition {
  line: number;
  column: number;
  message: string;
}

const LIMITS = { parseLimit: 400_000, renderLimit: 2_000, memoryLimit: 20_000_000 };
const FILE_TAGS = ['include', 'render', 'layout', 'block'];

function engine(escaping: Escaping): Liquid {
  const liquid = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    outputEscape: escaping === 'html' ? 'escape' : undefined,
    templates: {},
    relativeReference: false,
    ...LIMITS,
  });
  for (const tag of FILE_TAGS) delete (liquid.tags as Record<string, unknown>)[tag];
  const scope = (self: { context: { environments: unknown } }) => self.context.environments as { language?: string; timezone?: string };
  liquid.registerFilter('jalali', function (value: unknown, format?: string, digits?: DigitStyle) {
    return jalali(value, format, digits, scope(this).timezone);
  });
  liquid.registerFilter('gregorian', function (value: unknown, format?: string, language?: string) {
    return gregorian(value, format, language ?? scope(this).language, scope(this).timezone);
  });
  liquid.registerFilter('persian_digits', persianDigits);
  liquid.registerFilter('arabic_digits', arabicDigits);
  liquid.registerFilter('toman', toman);
  liquid.registerFilter('money', function (amount: unknown, currency?: string, language?: string) {
    return money(amount, currency, language ?? scope(this).language);
  });
  return liquid;
}

const engines: Record<Escaping, Liquid> = { html: engine('html'), text: engine('text') };

/** A parsed template, bound to the engine that parsed it. */
export interface Parsed {
  escaping: Escaping;
  templates: Template[];
}

/** Parses once (the result is cached by the caller per template version); a syntax error comes back with its line and column. */
export function parseLiquid(source: string, escaping: Escaping): Result<Parsed, LiquidPosition> {
  try {
    return ok({ escaping, templates: engines[escaping].parse(source) });
  } catch (e) {
    return err(positionOf(e));
  }
}

export async function renderLiquid(parsed: Parsed, scope: object): Promise<string> {
  return engines[parsed.escaping].render(parsed.templates, scope);
}

/** LiquidJS errors carry a token with its position; their message repeats it as ", line:3, col:12". */
function positionOf(e: unknown): LiquidPosition {
  const error = e as { message?: string; token?: { getPosition?: () => [number, number] } };
  const [line, column] = error.token?.getPosition?.() ?? [1, 1];
  const message = String(error.message ?? e).replace(/, line:\d+, col:\d+$/, '').split('\n')[0] ?? 'syntax error';
  return { line, column, message };
}
