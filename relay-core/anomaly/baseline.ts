// The learned baseline of one sender: exponentially weighted moving averages
// of its hourly volume and of its hourly number of distinct destination
// domains, each with a moving average of the absolute deviation (how much
// the hours usually differ) and a slowly fading peak (so a sender whose
// newsletter goes out once a day is not a spike every morning).

/** Usual figures of one hourly measure. */
export interface Usual {
  mean: number;
  /** Moving average of |hour - mean|. */
  dev: number;
  /** Busiest hour, fading by half every PEAK_HALF_LIFE_HOURS. */
  peak: number;
}

export interface Baseline {
  /** Hours learned so far (quiet hours included). */
  hours: number;
  /** Messages per hour. */
  volume: Usual;
  /** Distinct destination domains per hour. */
  domains: Usual;
}

/** What one sender did in one hour (counts only: never which domains). */
export interface HourFigures {
  messages: number;
  domains: number;
}

export const PEAK_HALF_LIFE_HOURS = 168;
const PEAK_DECAY = 0.5 ** (1 / PEAK_HALF_LIFE_HOURS);

export function emptyBaseline(): Baseline {
  return { hours: 0, volume: { mean: 0, dev: 0, peak: 0 }, domains: { mean: 0, dev: 0, peak: 0 } };
}

function step(u: Usual, x: number, weight: number): Usual {
  return {
    mean: u.mean + weight * (x - u.mean),
    dev: u.dev + weight * (Math.abs(x - u.mean) - u.dev),
    peak: Math.max(x, u.peak * PEAK_DECAY),
  };
}

/**
 * The baseline after one more hour. Each hour weighs 2/(memoryHours+1); the
 * first hours weigh 1/n instead (a plain average), so a young baseline is not
 * ruled by its first hour. The first hour's deviation is the hour itself: a
 * new sender starts with generous bounds that narrow as hours pass.
 */
export function learnHour(b: Baseline, hour: HourFigures, memoryHours: number): Baseline {
  const weight = Math.max(2 / (memoryHours + 1), 1 / (b.hours + 1));
  return { hours: b.hours + 1, volume: step(b.volume, hour.messages, weight), domains: step(b.domains, hour.domains, weight) };
}

/** The most that is still usual for one hour: mean plus `factor` deviations, and never less than the usual peak. */
export function usualMax(u: Usual, factor: number): number {
  return Math.max(u.mean + factor * u.dev, u.peak);
}
