// Reading capacity documents (capacity.json): validated with the runner's own schema before
// any view sees them, whatever the transport (the embedded report data, the dashboard's API).
import { capacityDocumentSchema, type CapacityDocument } from '../../runner/result/capacity-schema.ts';
import { validateOrThrow } from '../../runner/result/validate.ts';

export type { CapacityDocument };

/** Validates a CapacityDocument; throws a StampedeError naming `where` and the first bad field. */
export function parseCapacityDocument(value: unknown, where: string): CapacityDocument {
  return validateOrThrow(capacityDocumentSchema, value, where, 'STAMPEDE_E_RESULT_INVALID');
}
