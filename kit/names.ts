/*
 * The ledger's vocabulary as people say it, in Simplified Chinese and English: the pages, the
 * command line and the gateway's refusals share it.
 */

/**
 * The assistance programmes as people name them, by the name the API and the records use: the
 * full Chinese name, the short one officers say, and English.
 */
export const PROGRAMME_NAMES = {
  dibao: { zh: "最低生活保障", zhShort: "低保", en: "minimum living allowance (dibao)" },
  tekun: { zh: "特困人员救助供养", zhShort: "特困供养", en: "extreme-poverty support (tekun)" },
  temporary: { zh: "临时救助", zhShort: "临时救助", en: "temporary assistance" },
  medical: { zh: "医疗救助", zhShort: "医疗救助", en: "medical assistance" },
  education: { zh: "教育救助", zhShort: "教育救助", en: "education assistance" },
  housing: { zh: "住房救助", zhShort: "住房救助", en: "housing assistance" },
} as const;

/** A case's status, by its name on the ledger (`CaseStatus` in the contracts), as an officer says it. */
export const STATUS_NAMES = {
  None: { zh: "不存在", en: "not on the ledger" },
  Submitted: { zh: "已受理", en: "submitted" },
  Reviewed: { zh: "已审核", en: "reviewed" },
  InNotice: { zh: "公示中", en: "in public notice" },
  Active: { zh: "发放中", en: "active" },
  Suspended: { zh: "已暂停", en: "suspended" },
  Rejected: { zh: "未获批准", en: "rejected" },
  Terminated: { zh: "已终止", en: "terminated" },
} as const;

/** A ledger step of a case or of funds, by its name in a case trail (`step`), as an officer says it. */
export const STEP_NAMES = {
  application: { zh: "受理申请", en: "application" },
  review: { zh: "审核", en: "review" },
  approval: { zh: "审批", en: "approval" },
  objection: { zh: "公示异议", en: "objection" },
  revision: { zh: "修订记录", en: "revision" },
  activation: { zh: "公示期满，开始发放", en: "activation" },
  suspension: { zh: "暂停发放", en: "suspension" },
  resumption: { zh: "恢复发放", en: "resumption" },
  exit: { zh: "停止救助", en: "exit" },
  transfer: { zh: "转移辖区", en: "transfer" },
  flag: { zh: "标记核查", en: "flag" },
  payout: { zh: "发放", en: "payout" },
  settlement: { zh: "银行确认到账", en: "settlement" },
  reversal: { zh: "退回发放", en: "reversal" },
  acknowledgement: { zh: "确认收到", en: "acknowledgement" },
  appropriation: { zh: "预算下达", en: "appropriation" },
  allocation: { zh: "拨款", en: "allocation" },
} as const;

/** A record, by its kind or (for a kind with several) its type, as an officer says it. */
export const RECORD_NAMES = {
  application: { zh: "申请记录", en: "application record" },
  decision: { zh: "决定记录", en: "decision record" },
  "payment-file": { zh: "发放文件", en: "payment file" },
  settlement: { zh: "到账确认", en: "settlement record" },
  "access-log": { zh: "查阅记录", en: "access log" },
  objection: { zh: "公示异议", en: "objection" },
  complaint: { zh: "投诉", en: "complaint" },
  rating: { zh: "评价", en: "rating" },
  "public-notice-completed": { zh: "公示期满", en: "public notice completed" },
  "case-suspension": { zh: "暂停决定", en: "suspension" },
  "case-resumption": { zh: "恢复决定", en: "resumption" },
  "case-exit": { zh: "停止救助决定", en: "exit" },
  "receipt-reissued": { zh: "补发回执", en: "receipt reissued" },
  appropriation: { zh: "预算提议", en: "appropriation" },
  "appropriation-approval": { zh: "预算复核", en: "appropriation approval" },
  allocation: { zh: "拨款", en: "allocation" },
  "payout-reversal": { zh: "退回发放", en: "payout reversal" },
} as const;
