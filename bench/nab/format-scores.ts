import type { ProfileName } from './scoring/profiles.js';
import type { ProfileScore } from './scoring/score-corpus.js';

/** A short report of a scored run: one line per profile, optionally one per file (standard). */
export function formatScores(name: string, scores: Record<ProfileName, ProfileScore>, perFile = false): string {
  const lines: string[] = [];
  if (perFile) {
    for (const f of scores.standard.files) {
      const detections = f.firstDetection.map((i) => (i < 0 ? 'miss' : String(i))).join(' ');
      lines.push(
        `${f.name.padEnd(62)} ${f.score.toFixed(2).padStart(7)}  tp=${f.tp} fn=${f.fn} fp=${f.fp}  [${detections}]`,
      );
    }
  }
  for (const [profile, s] of Object.entries(scores)) {
    lines.push(
      `${name} ${profile.padEnd(18)} ${s.normalized.toFixed(2).padStart(6)}  threshold=${s.threshold.toFixed(4)} tp=${s.tp} fn=${s.fn} fp=${s.fp}`,
    );
  }
  return lines.join('\n');
}
