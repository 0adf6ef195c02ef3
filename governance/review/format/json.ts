import type { ReviewReport } from '../build-review';

/** The whole report; timings are left out so that the same change always gives the same document. */
export function renderReviewJson(report: ReviewReport): string {
  const { timings: _timings, ...stable } = report;
  return `${JSON.stringify(stable, null, 2)}\n`;
}
