/** The designer's GraphQL calls (docs/schema.graphql and the designer contract). */
import { ApiError, gql } from "../lib/api";
import type { Department, JsonSchema, MatterDocument, Problem } from "../lib/types";

export type Kind = "STANDARD" | "IMPLEMENTATION";
export type Status = "DRAFT" | "SUBMITTED" | "REVIEWED" | "RETURNED" | "PUBLISHED";

const PROBLEM = "code pointer message target { kind id }";
const VERSION = `tenantCode kind code version status createdBy createdAt publishedAt contentHash updatedAt submittedAt problems { ${PROBLEM} }`;

export interface DesignerMatter {
  kind: Kind;
  code: string;
  name: string;
  status: Status;
  latestVersion: number;
  publishedVersion: number | null;
  contentHash: string;
  problemCount: number;
  updatedAt: string | null;
  updatedBy: string;
}

export interface StandardOffer {
  tenantCode: string;
  tenantName: string;
  code: string;
  name: string;
  version: number;
}

export interface DefinitionVersion {
  tenantCode: string;
  kind: Kind;
  code: string;
  version: number;
  status: Status;
  createdBy: string;
  createdAt: string;
  publishedAt: string | null;
  contentHash: string;
  updatedAt: string | null;
  submittedAt: string | null;
  problems: Problem[];
}

export interface Definition {
  tenantCode: string;
  kind: Kind;
  code: string;
  version: number;
  document: MatterDocument;
  history: DefinitionVersion[];
}

export interface Verdict {
  ok: boolean;
  comment: string;
}

export interface ReviewRound {
  round: number;
  version: number;
  submittedAt: string;
  submittedBy: string | null;
  reviewerTenantCode: string | null;
  reviewer: string | null;
  reviewedAt: string | null;
  approved: boolean | null;
  authenticity: Verdict | null;
  legality: Verdict | null;
  rationality: Verdict | null;
}

export interface PendingReview {
  tenantCode: string;
  tenantName: string;
  kind: Kind;
  code: string;
  name: string;
  version: number;
  submittedAt: string;
}

export interface DiffChange {
  section: string;
  key: string;
  label: string;
  change: "ADDED" | "REMOVED" | "CHANGED";
  before: unknown;
  after: unknown;
}

export interface ConformanceEntry {
  tenantCode: string;
  tenantName: string;
  kind: Kind;
  code: string;
  name: string;
  version: number;
  conforms: boolean;
  problems: Problem[];
}

export interface ReviewInput {
  authenticityOk: boolean;
  authenticityComment: string;
  legalityOk: boolean;
  legalityComment: string;
  rationalityOk: boolean;
  rationalityComment: string;
}

export async function fetchDesignerMatters(): Promise<DesignerMatter[]> {
  const data = await gql<{ designerMatters: DesignerMatter[] }>(
    `query { designerMatters { kind code name status latestVersion publishedVersion contentHash problemCount updatedAt updatedBy } }`,
  );
  return data.designerMatters;
}

export async function fetchAvailableStandards(): Promise<StandardOffer[]> {
  const data = await gql<{ availableStandards: StandardOffer[] }>(`query { availableStandards { tenantCode tenantName code name version } }`);
  return data.availableStandards;
}

export async function fetchImplementationTemplate(code: string): Promise<MatterDocument> {
  const data = await gql<{ implementationTemplate: MatterDocument }>(`query ($code: String!) { implementationTemplate(code: $code) }`, { code });
  return data.implementationTemplate;
}

export async function fetchDepartments(): Promise<Department[]> {
  const data = await gql<{ departments: Department[] }>(`query { departments { code name roles } }`);
  return data.departments;
}

export async function fetchDefinition(kind: Kind, code: string, tenantCode?: string, version?: number): Promise<Definition> {
  const data = await gql<{ definition: Definition }>(
    `query ($tenantCode: String, $kind: DefinitionKind!, $code: String!, $version: Int) {
      definition(tenantCode: $tenantCode, kind: $kind, code: $code, version: $version) {
        tenantCode kind code version document history { ${VERSION} } } }`,
    { tenantCode: tenantCode ?? null, kind, code, version: version ?? null },
  );
  return data.definition;
}

export async function validateDefinition(document: MatterDocument, signal?: AbortSignal): Promise<Problem[]> {
  const data = await gql<{ validateDefinition: Problem[] }>(
    `query ($document: GenericScalar!) { validateDefinition(document: $document) { ${PROBLEM} } }`,
    { document },
    { signal },
  );
  return data.validateDefinition;
}

export async function impactOfStandardChange(document: MatterDocument): Promise<ConformanceEntry[]> {
  const data = await gql<{ impactOfStandardChange: ConformanceEntry[] }>(
    `query ($document: GenericScalar!) { impactOfStandardChange(document: $document) { tenantCode tenantName kind code name version conforms problems { ${PROBLEM} } } }`,
    { document },
  );
  return data.impactOfStandardChange;
}

export async function fetchReviewRounds(kind: Kind, code: string, tenantCode?: string): Promise<ReviewRound[]> {
  const verdict = "ok comment";
  const data = await gql<{ reviewRounds: ReviewRound[] }>(
    `query ($tenantCode: String, $kind: DefinitionKind!, $code: String!) { reviewRounds(tenantCode: $tenantCode, kind: $kind, code: $code) {
      round version submittedAt submittedBy reviewerTenantCode reviewer reviewedAt approved
      authenticity { ${verdict} } legality { ${verdict} } rationality { ${verdict} } } }`,
    { tenantCode: tenantCode ?? null, kind, code },
  );
  return data.reviewRounds;
}

export async function fetchPendingReviews(): Promise<PendingReview[]> {
  const data = await gql<{ pendingReviews: PendingReview[] }>(`query { pendingReviews { tenantCode tenantName kind code name version submittedAt } }`);
  return data.pendingReviews;
}

export async function fetchDiff(kind: Kind, code: string, fromVersion: number, toVersion: number, tenantCode?: string): Promise<DiffChange[]> {
  const data = await gql<{ definitionDiff: { changes: DiffChange[] } }>(
    `query ($tenantCode: String, $kind: DefinitionKind!, $code: String!, $from: Int!, $to: Int!) {
      definitionDiff(tenantCode: $tenantCode, kind: $kind, code: $code, fromVersion: $from, toVersion: $to) { changes { section key label change before after } } }`,
    { tenantCode: tenantCode ?? null, kind, code, from: fromVersion, to: toVersion },
  );
  return data.definitionDiff.changes;
}

export async function saveDraft(document: MatterDocument, baseHash: string | null): Promise<DefinitionVersion> {
  const data = await gql<{ saveDraft: DefinitionVersion }>(
    `mutation ($document: GenericScalar!, $baseHash: String) { saveDraft(document: $document, baseHash: $baseHash) { ${VERSION} } }`,
    { document, baseHash },
  );
  return data.saveDraft;
}

export async function startDraft(kind: Kind, code: string): Promise<DefinitionVersion> {
  const data = await gql<{ startDraft: DefinitionVersion }>(`mutation ($kind: DefinitionKind!, $code: String!) { startDraft(kind: $kind, code: $code) { ${VERSION} } }`, { kind, code });
  return data.startDraft;
}

export async function submitDefinition(kind: Kind, code: string): Promise<DefinitionVersion> {
  const data = await gql<{ submitDefinition: DefinitionVersion }>(
    `mutation ($kind: DefinitionKind!, $code: String!) { submitDefinition(kind: $kind, code: $code) { ${VERSION} } }`,
    { kind, code },
  );
  return data.submitDefinition;
}

export async function publishDefinition(kind: Kind, code: string): Promise<DefinitionVersion> {
  const data = await gql<{ publishDefinition: DefinitionVersion }>(
    `mutation ($kind: DefinitionKind!, $code: String!) { publishDefinition(kind: $kind, code: $code) { ${VERSION} } }`,
    { kind, code },
  );
  return data.publishDefinition;
}

export async function reviewDefinition(subjectTenantCode: string, kind: Kind, code: string, review: ReviewInput): Promise<DefinitionVersion> {
  const data = await gql<{ reviewDefinition: DefinitionVersion }>(
    `mutation ($subject: String!, $kind: DefinitionKind!, $code: String!, $review: ReviewInput!) {
      reviewDefinition(subjectTenantCode: $subject, kind: $kind, code: $code, review: $review) { ${VERSION} } }`,
    { subject: subjectTenantCode, kind, code, review },
  );
  return data.reviewDefinition;
}

export function kindParam(kind: string): Kind | null {
  const upper = kind.toUpperCase();
  return upper === "STANDARD" || upper === "IMPLEMENTATION" ? upper : null;
}

export function kindSlug(kind: Kind): "standard" | "implementation" {
  return kind === "STANDARD" ? "standard" : "implementation";
}

/** The form of the standard this matter conforms to: the nearest published standard of the
 * same code in the caller's lineage (for an implementation its own tenant first, as the
 * server's checker resolves it). Null when there is none (a new standard at the top). */
export async function fetchInheritedForm(kind: Kind, code: string): Promise<JsonSchema | null> {
  const data = await gql<{ tenants: { code: string; depth: number; relation: string }[] }>(
    `query { tenants { code depth relation } }`,
  );
  const candidates = data.tenants
    .filter((t) => t.relation === "ANCESTOR" || (t.relation === "SELF" && kind === "IMPLEMENTATION"))
    .sort((a, b) => b.depth - a.depth);
  for (const tenant of candidates) {
    try {
      const found = await fetchDefinition("STANDARD", code, tenant.code);
      const form = (found.document as MatterDocument).form;
      if (form) return form;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "NOT_FOUND") throw error;
    }
  }
  return null;
}
