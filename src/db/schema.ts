/**
 * Drizzle schema of Fangxin's system of record (SQLite).
 *
 * Conventions:
 * - dates are ISO strings: `YYYY-MM-DD` for calendar days (Asia/Shanghai), full ISO-8601 for instants;
 *   a date published with less than a day keeps what was published, in its ISO 8601 form: `YYYY-MM`,
 *   `YYYY`, or `--MM-DD` without a year (`announcementDate`; src/lib/dates.ts `DatePrecision`);
 * - money is in yuan (元) as REAL; the official tables publish 万元, converted on import;
 * - codes (registration no., credit code, division code, decision no.) are TEXT, kept exactly as
 *   issued, leading zeros included;
 * - `source` is `official` (imported from a published table) or `demo` (fictitious, generated).
 */
import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

const createdAt = () => text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

/** GB/T 2260 administrative divisions of Jiangxi: province, 11 cities (设区市), 100 counties. */
export const divisions = sqliteTable('divisions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  level: text('level', { enum: ['province', 'city', 'county'] }).notNull(),
  parentCode: text('parent_code'),
});

/**
 * A party named in a credit record: a registered small workshop (小作坊), or a company (企业) or
 * individual business (经营户) named in an official notice. Only `workshop` has a registration.
 */
export const parties = sqliteTable(
  'parties',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['workshop', 'enterprise', 'business'] }).notNull(),
    name: text('name').notNull(),
    /** 登记证编号, exactly as issued. Workshops only. */
    registrationNo: text('registration_no'),
    /** 统一社会信用代码 (GB 32100), check character validated on import. */
    uscc: text('uscc'),
    /** natural person's name; never shown unmasked. */
    operatorName: text('operator_name'),
    address: text('address'),
    countyCode: text('county_code').references(() => divisions.code),
    cityCode: text('city_code').references(() => divisions.code),
    foodCategories: text('food_categories', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    products: text('products', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    registeredOn: text('registered_on'),
    validUntil: text('valid_until'),
    registrationStatus: text('registration_status', { enum: ['valid', 'expired', 'cancelled', 'revoked'] }),
    riskLevel: text('risk_level', { enum: ['A', 'B', 'C', 'D'] }),
    processingZone: text('processing_zone'),
    heritage: integer('heritage', { mode: 'boolean' }).notNull().default(false),
    /** on the serious-dishonesty list (严重失信主体名单) until this day, inclusive. */
    seriousListUntil: text('serious_list_until'),
    lat: real('lat'),
    lng: real('lng'),
    source: text('source', { enum: ['official', 'demo'] }).notNull(),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('parties_registration_no').on(t.registrationNo),
    index('parties_uscc').on(t.uscc),
    index('parties_name').on(t.name),
    index('parties_county').on(t.countyCode),
  ],
);

/** 日常监督检查. */
export const inspections = sqliteTable(
  'inspections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partyId: integer('party_id').notNull().references(() => parties.id),
    inspectedOn: text('inspected_on').notNull(),
    kind: text('kind', { enum: ['routine', 'doubleRandom', 'flying', 'special'] }).notNull(),
    authority: text('authority').notNull(),
    result: text('result', { enum: ['compliant', 'partlyCompliant', 'nonCompliant'] }).notNull(),
    findings: text('findings'),
    rectification: text('rectification', { enum: ['notRequired', 'pending', 'done'] }).notNull(),
    rectifiedOn: text('rectified_on'),
    sourceRef: text('source_ref'),
    source: text('source', { enum: ['official', 'demo'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('inspections_party').on(t.partyId)],
);

/** 监督抽检: one sampled batch. Failed items are in `samplingFailedItems`. */
export const samplingTests = sqliteTable(
  'sampling_tests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partyId: integer('party_id').notNull().references(() => parties.id),
    producerName: text('producer_name'),
    producerAddress: text('producer_address'),
    sampledUnitName: text('sampled_unit_name'),
    sampledUnitAddress: text('sampled_unit_address'),
    productName: text('product_name').notNull(),
    spec: text('spec'),
    brand: text('brand'),
    /** 生产日期/批号 as published. */
    batch: text('batch'),
    sampledOn: text('sampled_on'),
    foodCategory: text('food_category'),
    result: text('result', { enum: ['pass', 'fail'] }).notNull(),
    testingAgency: text('testing_agency'),
    announcementTitle: text('announcement_title'),
    announcementNo: text('announcement_no'),
    /** as published: YYYY-MM-DD, YYYY-MM, YYYY, or --MM-DD when no year was published. */
    announcementDate: text('announcement_date'),
    authority: text('authority'),
    /** 后处理 */
    disposal: text('disposal', { enum: ['none', 'removed', 'recalled', 'destroyed', 'caseOpened'] }).notNull().default('none'),
    disposalDoneOn: text('disposal_done_on'),
    remarks: text('remarks'),
    sourceUrl: text('source_url'),
    sourceNote: text('source_note'),
    source: text('source', { enum: ['official', 'demo'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sampling_party').on(t.partyId)],
);

/** A failed item of a sampling test, parsed from the `不合格项目║检验结果║标准值` cell. */
export const samplingFailedItems = sqliteTable(
  'sampling_failed_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    samplingTestId: integer('sampling_test_id').notNull().references(() => samplingTests.id),
    position: integer('position').notNull(),
    item: text('item').notNull(),
    unit: text('unit'),
    /** the measured value(s) as published, e.g. `6.2×10⁴;4.7×10⁴;…`. */
    measuredText: text('measured_text'),
    /** parsed numbers in `unit`; null where a value is not numeric. Five values for n=5 plans. */
    measuredValues: text('measured_values', { mode: 'json' }).$type<(number | null)[]>().notNull().default(sql`'[]'`),
    /** the limit as published, e.g. `≤1.0 g/kg`, `n=5,c=2,m=10⁴,M=10⁵`, `不得使用`. */
    limitText: text('limit_text'),
    /** parsed limit (see `SamplingLimit` in features/imports/sampling-cell.ts). */
    limit: text('limit', { mode: 'json' }).$type<unknown>(),
    standard: text('standard'),
  },
  (t) => [index('failed_items_test').on(t.samplingTestId)],
);

/** 行政处罚. Money in yuan. */
export const penalties = sqliteTable(
  'penalties',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partyId: integer('party_id').notNull().references(() => parties.id),
    /** 行政处罚决定书文号; null when none was issued (e.g. a case transferred to the police). */
    decisionNo: text('decision_no'),
    caseName: text('case_name'),
    violationType: text('violation_type'),
    facts: text('facts'),
    violatedProvision: text('violated_provision'),
    legalBasis: text('legal_basis'),
    /** 处罚类别: 警告 / 通报批评 / 罚款 / 没收违法所得 / 责令停产停业 / 吊销登记证 / 不予处罚 / 移送司法. */
    penaltyKinds: text('penalty_kinds', { mode: 'json' }).$type<string[]>().notNull(),
    penaltyContent: text('penalty_content'),
    fineYuan: real('fine_yuan'),
    confiscationYuan: real('confiscation_yuan'),
    decidedOn: text('decided_on'),
    authority: text('authority'),
    /** first day of publicity: the decision date, else the announcement date. */
    disclosureStart: text('disclosure_start'),
    /** 公示截止期 as published, when the source gives one. */
    publishedDisclosureEnd: text('published_disclosure_end'),
    transferredToPolice: integer('transferred_to_police', { mode: 'boolean' }).notNull().default(false),
    /** 信用修复 completed on this day: publicity ends early. */
    repairedOn: text('repaired_on'),
    announcementTitle: text('announcement_title'),
    /** as published, like `samplingTests.announcementDate`. */
    announcementDate: text('announcement_date'),
    sourceUrl: text('source_url'),
    sourceNote: text('source_note'),
    source: text('source', { enum: ['official', 'demo'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('penalties_party').on(t.partyId), index('penalties_decision').on(t.decisionNo)],
);

/** 荣誉: demonstration unit (示范单位), special brand, heritage workshop. */
export const honors = sqliteTable(
  'honors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partyId: integer('party_id').notNull().references(() => parties.id),
    kind: text('kind', { enum: ['demonstrationUnit', 'specialBrand', 'heritage'] }).notNull(),
    title: text('title').notNull(),
    year: integer('year').notNull(),
    authority: text('authority').notNull(),
    documentNo: text('document_no'),
    validUntil: text('valid_until'),
    withdrawnOn: text('withdrawn_on'),
    source: text('source', { enum: ['official', 'demo'] }).notNull(),
    /** the staff user who entered it in the back office (null for imported and seeded rows) */
    createdBy: integer('created_by'),
    createdAt: createdAt(),
  },
  (t) => [index('honors_party').on(t.partyId)],
);

/** 曝光: an exposed workshop, registered or an unregistered black workshop (黑作坊). */
export const exposures = sqliteTable(
  'exposures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    partyId: integer('party_id').references(() => parties.id),
    /** for an unregistered black workshop: the name it trades under, if any. */
    subjectName: text('subject_name').notNull(),
    place: text('place'),
    countyCode: text('county_code').references(() => divisions.code),
    findings: text('findings').notNull(),
    outcome: text('outcome').notNull(),
    basisKind: text('basis_kind', { enum: ['decision', 'announcement'] }).notNull(),
    /** the decision no. or announcement title the entry rests on. */
    basisRef: text('basis_ref').notNull(),
    publishedOn: text('published_on').notNull(),
    withdrawnOn: text('withdrawn_on'),
    source: text('source', { enum: ['official', 'demo'] }).notNull(),
    /** the staff user who entered it in the back office (null for imported and seeded rows) */
    createdBy: integer('created_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('exposures_slug').on(t.slug), index('exposures_published').on(t.publishedOn)],
);

/** 举报. Reporter identity and contact are encrypted (envelope encryption, see features/tips). */
export const tips = sqliteTable(
  'tips',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** 受理编号: 16 digits. */
    receiptNo: text('receipt_no').notNull(),
    /** argon2id hash of the access code (查询码). */
    accessCodeHash: text('access_code_hash').notNull(),
    /** one-time token of the form, so that a double submit creates one tip. */
    submissionToken: text('submission_token').notNull(),
    status: text('status', {
      enum: ['submitted', 'accepted', 'declined', 'caseOpened', 'closed', 'rewardDecided', 'rewardPaid'],
    }).notNull(),
    partyId: integer('party_id').references(() => parties.id),
    subjectName: text('subject_name').notNull(),
    subjectPlace: text('subject_place'),
    subjectCountyCode: text('subject_county_code').references(() => divisions.code),
    category: text('category').notNull(),
    description: text('description').notNull(),
    occurredOn: text('occurred_on'),
    reporterMode: text('reporter_mode', { enum: ['anonymous', 'realName'] }).notNull(),
    /** AES-256-GCM ciphertext of the reporter's identity JSON, base64; null when anonymous. */
    reporterCiphertext: text('reporter_ciphertext'),
    /** the tip's data key, wrapped by the key-encryption key; base64. */
    wrappedDataKey: text('wrapped_data_key'),
    keyId: text('key_id'),
    /** a tip filed within a day about the same workshop with near-same text: flagged for staff, not rejected */
    duplicateOfTipId: integer('duplicate_of_tip_id'),
    /** whether the proof-of-work challenge was solved (the form without JavaScript cannot): staff see it */
    proofOfWork: integer('proof_of_work', { mode: 'boolean' }).notNull().default(false),
    /** 不予受理: the reason given to the reporter (issue #5 point 4). */
    declineReason: text('decline_reason'),
    /** 办结: the outcome of the case as told to the reporter. */
    caseOutcome: text('case_outcome'),
    /** 办结: the penalty the case ended in, when there was one (its fine and confiscation feed the reward). */
    penaltyId: integer('penalty_id').references(() => penalties.id),
    submittedAt: text('submitted_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('tips_receipt_no').on(t.receiptNo),
    uniqueIndex('tips_submission_token').on(t.submissionToken),
    index('tips_submitted').on(t.submittedAt),
  ],
);

/**
 * Failed look-ups on /report/track per receipt no. (any 16 digits, existing or not, so that a lock
 * says nothing about whether a receipt exists). Slows, then locks, guessing of access codes.
 */
export const trackAttempts = sqliteTable('track_attempts', {
  /**
   * what the failures are counted for: a receipt no. (wrong codes from all addresses together),
   * or `<receipt no.>@<client key>` (one address; src/features/tips/abuse.server.ts)
   */
  attemptKey: text('receipt_no').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: text('last_failure_at').notNull(),
  lockedUntil: text('locked_until'),
});

/**
 * Fixed-window counters for rate limits. `key` is `<purpose>:<HMAC of the client address>`: the
 * address itself is never stored, and a counter is deleted once its window has passed.
 */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: text('window_start').notNull(),
  count: integer('count').notNull(),
});

/**
 * Evidence files of a tip. The original is kept encrypted under the tip's data key (metadata is
 * evidence); `preview*` is a re-encoded copy without metadata, rotated upright, also encrypted;
 * it is what anyone is shown. File names on disk are generated; the uploaded name is text only.
 */
export const tipEvidence = sqliteTable(
  'tip_evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tipId: integer('tip_id').notNull().references(() => tips.id),
    /** set when the file came with a later message from the reporter */
    messageId: integer('message_id'),
    position: integer('position').notNull(),
    /** the name the reporter's device gave the file: shown as text only */
    originalName: text('original_name').notNull(),
    /** media type decided from the bytes */
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** SHA-256 (hex) of the original bytes, recorded on receipt */
    sha256: text('sha256').notNull(),
    /** generated name of the encrypted original under DATA_DIR/evidence */
    storageName: text('storage_name').notNull(),
    /** generated name of the encrypted re-encoded preview, when one could be made */
    previewStorageName: text('preview_storage_name'),
    previewMediaType: text('preview_media_type'),
    /**
     * pending (an image waiting for the preview queue, src/features/tips/previews.server.ts),
     * working (being made), ready, unsupported (e.g. HEIC that cannot be decoded here), failed
     * (an image whose pixels cannot be decoded; the original is kept), none (PDF, video)
     */
    previewStatus: text('preview_status', { enum: ['pending', 'working', 'ready', 'unsupported', 'failed', 'none'] }).notNull(),
    width: integer('width'),
    height: integer('height'),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('tip_evidence_tip').on(t.tipId), uniqueIndex('tip_evidence_storage').on(t.storageName)],
);

/**
 * Messages between the reporter and the handling staff, both ways, shown on /report/track. The
 * text is sealed under the tip's data key (like the identity); evidence sent later is in
 * `tipEvidence` with `messageId`.
 */
export const tipMessages = sqliteTable(
  'tip_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tipId: integer('tip_id').notNull().references(() => tips.id),
    /** reporter or staff */
    author: text('author', { enum: ['reporter', 'staff'] }).notNull(),
    /** AES-256-GCM under the tip's data key, base64 */
    ciphertext: text('ciphertext').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('tip_messages_tip').on(t.tipId)],
);

/** Status history of a tip; the reporter sees it on /report/track. */
export const tipEvents = sqliteTable(
  'tip_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tipId: integer('tip_id').notNull().references(() => tips.id),
    status: text('status').notNull(),
    at: text('at').notNull(),
    note: text('note'),
    /** the staff user who made the transition (null for the reporter's submission) */
    staffUserId: integer('staff_user_id'),
  },
  (t) => [index('tip_events_tip').on(t.tipId)],
);

/**
 * The reward of a tip (DESIGN.md "Tip-offs" → Rewards; src/features/tips/reward.ts): the level
 * staff chose, the fines and confiscations it was computed from and the amount, all in yuan; then
 * the payment date. One per tip.
 */
export const rewards = sqliteTable(
  'rewards',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tipId: integer('tip_id').notNull().references(() => tips.id),
    level: integer('level').notNull(),
    fineYuan: real('fine_yuan').notNull(),
    confiscationYuan: real('confiscation_yuan').notNull(),
    amountYuan: real('amount_yuan').notNull(),
    decidedOn: text('decided_on').notNull(),
    decidedBy: integer('decided_by').notNull(),
    paidOn: text('paid_on'),
    paidBy: integer('paid_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('rewards_tip').on(t.tipId)],
);

/**
 * An operator's reply or objection (异议) to one of its public records, shown beside the record
 * with the staff decision (DESIGN.md data model `replies`; issue #5 point 6). `recordKind` +
 * `recordId` name the record; `status`: pending until decided, then `upheld` (the record stands,
 * the reply is shown with the decision) or `corrected` (the record was corrected or withdrawn).
 */
export const replies = sqliteTable(
  'replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partyId: integer('party_id')
      .notNull()
      .references(() => parties.id),
    recordKind: text('record_kind', { enum: ['penalty', 'samplingTest', 'inspection', 'exposure', 'honor'] }).notNull(),
    recordId: integer('record_id').notNull(),
    receivedOn: text('received_on').notNull(),
    /** the operator's words, shown as text */
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'upheld', 'corrected'] }).notNull(),
    decisionNote: text('decision_note'),
    decidedOn: text('decided_on'),
    decidedBy: integer('decided_by'),
    createdAt: createdAt(),
  },
  (t) => [index('replies_party').on(t.partyId)],
);

/** Small key/value store: search index fingerprint, seed markers. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export type Division = typeof divisions.$inferSelect;
export type Party = typeof parties.$inferSelect;
export type NewParty = typeof parties.$inferInsert;
export type Inspection = typeof inspections.$inferSelect;
export type NewInspection = typeof inspections.$inferInsert;
export type SamplingTest = typeof samplingTests.$inferSelect;
export type NewSamplingTest = typeof samplingTests.$inferInsert;
export type SamplingFailedItem = typeof samplingFailedItems.$inferSelect;
export type Penalty = typeof penalties.$inferSelect;
export type NewPenalty = typeof penalties.$inferInsert;
export type Honor = typeof honors.$inferSelect;
export type NewHonor = typeof honors.$inferInsert;
export type Exposure = typeof exposures.$inferSelect;
export type NewExposure = typeof exposures.$inferInsert;
export type Tip = typeof tips.$inferSelect;
export type TipEvidence = typeof tipEvidence.$inferSelect;
export type TipMessage = typeof tipMessages.$inferSelect;
export type Reward = typeof rewards.$inferSelect;
export type Reply = typeof replies.$inferSelect;

/**
 * Staff accounts of the back office (DESIGN.md "Staff back office"). The role fixes the level of
 * the division the account is bound to: `provincialAdmin` the province (360000), `citySupervisor`
 * a city (设区市), `countyOfficer` a county (县(市、区)); its jurisdiction is that division and its
 * children (src/features/staff/authz.ts). Accounts are disabled, never deleted: the audit log
 * points at them.
 */
export const staffUsers = sqliteTable(
  'staff_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** sign-in name, stored lower-case (src/features/staff/staff.ts `usernameSchema`). */
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['provincialAdmin', 'citySupervisor', 'countyOfficer'] }).notNull(),
    divisionCode: text('division_code')
      .notNull()
      .references(() => divisions.code),
    /** argon2id (PHC string). */
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: text('password_changed_at').notNull(),
    /** set for an account created by another user: the first sign-in must choose a new password. */
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /** the TOTP secret (base32) sealed with AES-256-GCM under a key derived from the KEK; null = TOTP off. */
    totpSecretSealed: text('totp_secret_sealed'),
    /** a secret being enrolled, sealed the same way, until the user confirms it with a code. */
    totpPendingSealed: text('totp_pending_sealed'),
    /** id of the KEK the TOTP secrets are sealed under (see `Kek.id`). */
    totpKeyId: text('totp_key_id'),
    /** the 30-second time step of the last accepted code: a code is never accepted twice. */
    totpLastStep: integer('totp_last_step'),
    /** wrong passwords or codes since the last successful sign-in or lock. */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: text('locked_until'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** the user who created this account; null for the first administrator (npm run admin:create). */
    createdBy: integer('created_by').references((): AnySQLiteColumn => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('staff_users_username').on(t.username), index('staff_users_division').on(t.divisionCode)],
);

/**
 * Signed-in sessions of staff. Only the SHA-256 (hex) of the cookie's random token is stored, so a
 * copy of the database opens no session. Idle timeout and absolute lifetime:
 * src/features/staff/staff.ts (`SESSION_IDLE_MS`, `SESSION_LIFETIME_MS`).
 */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    /** the absolute end of the session, whatever its activity. */
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/**
 * The audit log of the back office: append-only (triggers in the migration refuse UPDATE and
 * DELETE). `action` is one of `AuditAction` (src/features/staff/audit.server.ts). No secrets and no
 * reporter's personal data go into `details`.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** instant, ISO-8601 UTC */
    at: text('at').notNull(),
    /** who acted; null when nobody was signed in (a failed sign-in with an unknown name, the command line) */
    userId: integer('user_id').references(() => staffUsers.id),
    action: text('action').notNull(),
    tipId: integer('tip_id').references(() => tips.id),
    /** the division the event concerns (the tip's county, the account's division): audit views are scoped by it */
    divisionCode: text('division_code'),
    /** what was acted on, as `kind:id` (e.g. `staffUser:12`) */
    target: text('target'),
    /** the reason the user gave, or the machine reason of a refusal (e.g. `wrongPassword`) */
    reason: text('reason'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  },
  (t) => [index('audit_log_at').on(t.at), index('audit_log_user').on(t.userId), index('audit_log_tip').on(t.tipId), index('audit_log_action').on(t.action)],
);

export type StaffUser = typeof staffUsers.$inferSelect;
export type NewStaffUser = typeof staffUsers.$inferInsert;
export type Session = typeof sessions.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
