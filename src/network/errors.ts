/** Errors of a model description: every problem found, each with the path of the field. */

export interface ModelIssue {
  /** path of the field, e.g. `projections[2].weight`, `populations[0].params.tau_m`; "" for the whole model */
  path: string;
  message: string;
}

/** Thrown by planNetwork / estimateNetwork / buildShardProjection: lists every issue as `path: message`, one per line. */
export class ModelError extends Error {
  readonly issues: ModelIssue[];
  constructor(issues: ModelIssue[]) {
    super(formatIssues(issues));
    this.name = 'ModelError';
    this.issues = issues;
  }
}

export function formatIssues(issues: ModelIssue[]): string {
  if (issues.length === 0) return 'invalid model';
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n');
}
