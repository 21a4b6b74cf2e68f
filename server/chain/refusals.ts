import { yuan } from "../../kit/amounts.ts";
import { PROGRAMME_NAMES, STATUS_NAMES } from "../../kit/names.ts";
import { CaseStatus, jurisdictionCode, PayoutState, Programme, PROGRAMME_TABLE, Stage, nameOf, type ProgrammeName } from "./domain.ts";

/** A ledger refusal in plain words: what was wrong and what to do, in Chinese first and in English. */
export interface Refusal {
  zh: { message: string; hint: string };
  en: { message: string; hint: string };
}

type Args = Record<string, unknown>;

// Values as people read them: yuan, dates and months of China Standard Time, division codes.
const cst = (v: unknown) => new Date((Number(v) + 8 * 3600) * 1000).toISOString().slice(0, 10);
const monthZh = (v: unknown) => (Number(v) === 0 ? "一次性" : `${Math.floor(Number(v) / 100)}年${Number(v) % 100}月`);
const monthEn = (v: unknown) => (Number(v) === 0 ? "the one-off payment" : `${Math.floor(Number(v) / 100)}-${String(Number(v) % 100).padStart(2, "0")}`);
const code = (v: unknown) => jurisdictionCode(BigInt(String(v)));
const short = (v: unknown) => `${String(v).slice(0, 10)}…`;
const statusZh = (v: unknown) => STATUS_NAMES[nameOf(CaseStatus, Number(v)) as keyof typeof STATUS_NAMES]?.zh ?? String(v);
const statusEn = (v: unknown) => nameOf(CaseStatus, Number(v)) ?? String(v);
const PAYOUT_ZH: Record<number, string> = { [PayoutState.None]: "未发放", [PayoutState.Paid]: "已发放", [PayoutState.Settled]: "已到账", [PayoutState.Reversed]: "已退回" };
const payoutZh = (v: unknown) => PAYOUT_ZH[Number(v)] ?? String(v);
const payoutEn = (v: unknown) => nameOf(PayoutState, Number(v)) ?? String(v);
const stageZh = (v: unknown) => (Number(v) === Stage.Review ? "审核" : "审批");
const stageEn = (v: unknown) => (Number(v) === Stage.Review ? "review" : "approval");
const programme = (v: unknown) => nameOf(Programme, Number(v)) ?? String(v);
const programmeZh = (v: unknown) => {
  const name = (Object.keys(PROGRAMME_TABLE) as ProgrammeName[]).find((n) => PROGRAMME_TABLE[n].programme === Number(v));
  return name ? PROGRAMME_NAMES[name].zhShort : String(v);
};

const r = (zh: string, zhHint: string, en: string, enHint: string): Refusal => ({ zh: { message: zh, hint: zhHint }, en: { message: en, hint: enHint } });
const NO_ROLE = (who: unknown, where: string) =>
  r(`账户 ${short(who)} 在 ${where} 没有办理这一步所需的职责`, "请由持有该职责的人员办理，或请上级为其授权", `account ${short(who)} holds no role over ${where} that this step needs`, "have an officer who holds the role take it, or ask governance to grant it");
const GOVERNANCE = (who: unknown) => r(`账户 ${short(who)} 不是治理账户`, "这一步须由治理委员会办理", `account ${short(who)} is not governance`, "governance (the council) takes this step");

/**
 * Every custom error of aidtrail's contracts, in plain words with its values in yuan, dates and
 * months, and what to do next: one table the API, the command line and the pages share.
 * `test/refusals.test.ts` fails when a contract's error has no entry here.
 */
export const REFUSALS: Record<string, (a: Args) => Refusal> = {
  AccessOutsideJurisdiction: (a) => NO_ROLE(a.account, code(a.jurisdiction)),
  AccessRotationInvalid: (a) => r(`不能把 ${short(a.from)} 的职责转给 ${short(a.to)}：后者已有职责或前者没有`, "换一个新账户，或先撤销其职责", `the roles of ${short(a.from)} cannot move to ${short(a.to)}: it holds a role already, or the first holds none`, "rotate to a fresh account"),
  AccessScopeRequired: () => r("授权必须指定辖区", "按辖区授权（grantScopedRole）", "a role is granted over a jurisdiction", "grant it with its jurisdiction (grantScopedRole)"),
  AllocationAmountZero: () => r("金额不能为零", "填写大于零的金额", "the amount is zero", "give an amount above zero"),
  AllocationInsufficient: (a) => r(`拨款 ${a.allocationId} 只剩 ${yuan(a.available as bigint)} 元，不够 ${yuan(a.requested as bigint)} 元`, "先追加拨款，或减少金额", `allocation ${a.allocationId} has ${yuan(a.available as bigint)} yuan left, not the ${yuan(a.requested as bigint)} yuan asked for`, "allocate more to it first, or ask for less"),
  AllocationJurisdictionUnknown: (a) => r(`辖区 ${code(a.jurisdiction)} 尚未登记`, "请治理委员会先登记该辖区", `jurisdiction ${code(a.jurisdiction)} is not registered`, "governance registers it first"),
  AllocationLimitReached: (a) => r(`拨款数已达上限 ${a.limit}`, "请联系系统管理员", `the ledger holds its most allocations, ${a.limit}`, "tell the operator"),
  AllocationOutsideParent: (a) => r(`辖区 ${code(a.jurisdiction)} 不在拨款 ${a.parentId} 的辖区之内`, "只能向下级辖区拨付", `jurisdiction ${code(a.jurisdiction)} is not within allocation ${a.parentId}'s`, "allocate only to a division within the parent's"),
  AllocationUnknown: (a) => r(`没有编号为 ${a.allocationId} 的拨款`, "核对拨款编号（GET /v1/allocations 列出）", `there is no allocation ${a.allocationId}`, "check the allocation's id (GET /v1/allocations lists them)"),
  ApplicationBatchEmpty: () => r("申请批次为空", "至少提交一件申请", "the batch of applications is empty", "send at least one"),
  ApplicationExpired: (a) => r(`案件 ${short(a.caseId)} 的受理签名已于 ${cst(a.deadline)} 过期`, "请经办人重新签名", `the caseworker's signature of case ${short(a.caseId)} expired on ${cst(a.deadline)}`, "have the caseworker sign it again"),
  ApplicationHouseholdRepeated: (a) => r(`案件 ${short(a.caseId)} 的家庭成员重复列出`, "每位成员只列一次，申请人不列入家庭成员", `a household member of case ${short(a.caseId)} is listed twice`, "list each member once, and the applicant not among them"),
  ApplicationSignatureInvalid: (a) => r(`案件 ${short(a.caseId)} 的受理签名不是经办人 ${short(a.caseworker)} 对这份申请的签名`, "请经办人按草稿原样签名", `the signature of case ${short(a.caseId)} is not caseworker ${short(a.caseworker)}'s over this application`, "have the caseworker sign the draft as given"),
  AppropriationNotProposer: (a) => r(`预算提议 ${a.proposalId} 只能由提议人撤回`, "请提议人撤回", `only the proposer withdraws proposal ${a.proposalId}`, "ask the proposer"),
  AppropriationProposalNotPending: (a) => r(`预算提议 ${a.proposalId} 不在待复核状态（已生效、已撤回或不存在）`, "查看提议列表（GET /v1/appropriations/proposals）", `appropriation proposal ${a.proposalId} is not waiting (made, withdrawn or unknown)`, "see GET /v1/appropriations/proposals"),
  AppropriationSelfApproval: (a) => r(`预算提议 ${a.proposalId} 须由另一位财务人员复核`, "请另一位财务人员复核", `proposal ${a.proposalId} needs a second finance officer's approval`, "have another finance officer approve it"),
  AppropriationTermsMismatch: (a) => r(`复核填写的项目、年度、辖区或金额与预算提议 ${a.proposalId} 不一致`, "按批准的预算文件核对后重新填写", `the terms entered are not those of proposal ${a.proposalId}`, "check them against the budget as passed"),
  ApprovalAboveStandard: (a) => r(`核定金额 ${yuan(a.amount as bigint)} 元超过标准上限 ${yuan(a.cap as bigint)} 元（现行标准 × 家庭人口）`, `核定不超过 ${yuan(a.cap as bigint)} 元`, `the amount ${yuan(a.amount as bigint)} yuan is above the cap of ${yuan(a.cap as bigint)} yuan (the standard in force times the household)`, `approve at most ${yuan(a.cap as bigint)} yuan`),
  DecisionExpired: (a) => r(`这份决定已于 ${cst(a.deadline)} 过期`, "重新发起决定并签名", `the decision expired on ${cst(a.deadline)}`, "ask for the decision again and sign it"),
  ApprovalHouseholdSizeMismatch: (a) => r(`账本上的家庭人口为 ${a.householdSize} 人，决定写的是 ${a.provided} 人`, "按账本人口核定，家庭变化先修订申请", `the ledger's household is ${a.householdSize}, the decision names ${a.provided}`, "approve for the ledger's household; revise the application first if it changed"),
  DecisionNonceMismatch: (a) => r(`案件 ${short(a.caseId)} 已进入第 ${a.expected} 轮，这份决定是第 ${a.provided} 轮的`, "重新获取决定并签名", `case ${short(a.caseId)} is in round ${a.expected}; the decision is of round ${a.provided}`, "ask for the decision again and sign that"),
  DecisionRecordMismatch: (a) => r(`案件 ${short(a.caseId)} 的申请已修订，这份决定针对旧版本`, "重新获取决定并签名", `case ${short(a.caseId)}'s application was revised since; the decision is of an earlier revision`, "ask for the decision again and sign that"),
  DecisionSignatureInvalid: (a) => r(`${short(a.signer)} 的签名不是对这份决定的签名`, "按原样签名", `${short(a.signer)}'s signature is not of this decision`, "sign the decision exactly as given"),
  DecisionSignerDuplicate: (a) => r(`${short(a.signer)} 签了两次`, "每人只签一次", `${short(a.signer)} signed twice`, "each officer signs once"),
  DecisionSignerLevelTooLow: (a) => r(`${short(a.signer)} 的职责在乡镇（${code(a.scope)}），乡镇只能审批限额内的临时救助`, "请县级审批人员签名", `${short(a.signer)} holds the role at a township (${code(a.scope)}), which approves only temporary assistance within its ceiling`, "have the county's approvers sign"),
  DecisionSignerUnauthorized: (a) => NO_ROLE(a.signer, code(a.jurisdiction)),
  DecisionSignersUnordered: (a) => r(`签名未按账户顺序排列（${short(a.signer)}）`, "按账户地址升序排列签名", `the signatures are not in account order (${short(a.signer)})`, "order them by signer address"),
  DecisionStageMismatch: (a) => r(`案件 ${short(a.caseId)} 现为“${statusZh(a.status)}”，不到${stageZh(a.stage)}这一步`, "查看案件当前状态", `case ${short(a.caseId)} is ${statusEn(a.status)}: no ${stageEn(a.stage)} is due`, "see the case's status"),
  DecisionTermsInvalid: (a) => r(`案件 ${short(a.caseId)} 的决定写法有误：批准须写金额和人口，其他决定不写`, "重新获取决定", `the decision on case ${short(a.caseId)} is malformed: only a granting approval names an amount and a household`, "ask for the decision again"),
  DecisionThresholdNotConfigured: (a) => r(`${code(a.jurisdiction)} 的${programmeZh(a.programme)}${stageZh(a.stage)}未设定签名人数`, "请治理委员会设定", `no threshold of signatures is set for ${programme(a.programme)} ${stageEn(a.stage)} in ${code(a.jurisdiction)}`, "governance sets one"),
  DecisionThresholdNotMet: (a) => r(`需要 ${a.required} 人签名，现有 ${a.provided} 人`, "等其他人员签名", `${a.required} signatures are needed, ${a.provided} given`, "wait for the others to sign"),
  CaseAlreadyExists: (a) => r(`案件 ${short(a.caseId)} 已存在`, "这件申请已受理，不要重复提交", `case ${short(a.caseId)} exists already`, "it was taken in; do not send it again"),
  CaseFieldZero: (a) => r(`缺少 ${a.field}`, "补全后重试", `${a.field} is missing`, "give it and try again"),
  CaseHouseholdTooLarge: (a) => r(`家庭人口 ${a.size} 超过账本上限 255`, "核对家庭成员", `a household of ${a.size} is more than the ledger holds (255)`, "check the household"),
  CaseIdentityAlreadyOpen: (a) => r(`此人已在另一件未结的${programmeZh(a.programme)}案件中（${short(a.existingCaseId)}）`, "先办结原案件，或修订其家庭", `this person is in another open ${programme(a.programme)} case (${short(a.existingCaseId)})`, "close that case first, or revise its household"),
  CaseJurisdictionInvalid: (a) => r(`${code(a.jurisdiction)} 不是可受理案件的辖区`, "在乡镇或县级辖区受理", `${code(a.jurisdiction)} is no jurisdiction a case can be in`, "take it in at a township or a county"),
  CaseNoticeNotOver: (a) => r(`公示期至 ${cst(a.noticeEnd)} 结束，尚不能启动发放`, `${cst(a.noticeEnd)} 之后再启动`, `the public notice ends on ${cst(a.noticeEnd)}: payments cannot start yet`, `activate after ${cst(a.noticeEnd)}`),
  CaseNoticeOver: (a) => r(`公示期已于 ${cst(a.noticeEnd)} 结束，不再受理异议`, "异议可改为投诉，或由审批人员修订案件", `the public notice ended on ${cst(a.noticeEnd)}: objections are closed`, "lodge a complaint instead, or have the case revised"),
  CaseStatusInvalid: (a) => r(`案件 ${short(a.caseId)} 现为“${statusZh(a.status)}”，不能办理这一步`, "查看案件当前状态", `case ${short(a.caseId)} is ${statusEn(a.status)}: this step does not apply`, "see the case's status"),
  CaseTransferInvalid: (a) => r(`案件不能从 ${code(a.from)} 转到 ${code(a.to)}`, "转入已登记的同级辖区", `the case cannot move from ${code(a.from)} to ${code(a.to)}`, "move it to a registered division of its level"),
  CaseUnauthorized: (a) => NO_ROLE(a.account, code(a.jurisdiction)),
  CaseUnknown: (a) => r(`没有案件 ${short(a.caseId)}`, "核对案件号", `there is no case ${short(a.caseId)}`, "check the case id"),
  CheckpointInconsistent: (a) => r(`日志 ${short(a.logId)} 从 ${a.oldSize} 到 ${a.newSize} 的检查点不一致：历史被改写`, "停止网关，从备份恢复", `log ${short(a.logId)}'s checkpoint of ${a.newSize} does not extend that of ${a.oldSize}: its history was rewritten`, "stop the gateway and restore from a backup"),
  CheckpointNotLatest: (a) => r(`包含证明须对照最新检查点（${a.latestSize}），不是 ${a.treeSize}`, "取最新检查点的证明", `inclusion is checked against the latest checkpoint (${a.latestSize}), not ${a.treeSize}`, "ask for a proof to the latest checkpoint"),
  CheckpointNotNewer: (a) => r(`检查点 ${a.treeSize} 不比已锚定的 ${a.latestSize} 新`, "无需重复锚定", `checkpoint ${a.treeSize} is not newer than the anchored ${a.latestSize}`, "nothing to anchor"),
  CheckpointRootZero: () => r("检查点的根为空", "请联系系统管理员", "the checkpoint's root is zero", "tell the operator"),
  ConfigThresholdZero: () => r("签名人数不能为零", "至少设为 1", "a threshold of zero", "set at least 1"),
  ConfigUnauthorized: (a) => GOVERNANCE(a.account),
  CouncilAlreadyConfirmed: (a) => r(`您已确认过提案 ${a.proposalId}`, "等其他成员确认", `you confirmed proposal ${a.proposalId} already`, "wait for the other members"),
  CouncilAlreadyExecuted: (a) => r(`提案 ${a.proposalId} 已执行`, "无需再办", `proposal ${a.proposalId} was executed already`, "nothing more to do"),
  CouncilConfigInvalid: (a) => r(`${a.members} 名成员不能设 ${a.threshold} 人通过`, "人数须在 1 到成员数之间", `${a.members} members cannot have a threshold of ${a.threshold}`, "set from 1 to the number of members"),
  CouncilMemberExists: (a) => r(`${short(a.account)} 已是委员会成员`, "无需再加", `${short(a.account)} is a member already`, "nothing to add"),
  CouncilNotConfirmed: (a) => r(`您未确认过提案 ${a.proposalId}`, "无可撤回", `you have not confirmed proposal ${a.proposalId}`, "nothing to revoke"),
  CouncilNotMember: (a) => r(`${short(a.account)} 不是委员会成员`, "请委员会成员办理", `${short(a.account)} is not a council member`, "a member takes this step"),
  CouncilOnlySelf: (a) => r(`只有委员会自身的提案能办理（不是 ${short(a.account)}）`, "通过提案办理", `only the council's own proposals take this step (not ${short(a.account)})`, "propose it"),
  CouncilProposalUnknown: (a) => r(`没有提案 ${a.proposalId}`, "核对提案编号", `there is no proposal ${a.proposalId}`, "check its number"),
  CouncilThresholdNotMet: (a) => r(`提案 ${a.proposalId} 有 ${a.confirmations} 人确认，需要 ${a.threshold} 人`, "等其他成员确认", `proposal ${a.proposalId} has ${a.confirmations} of ${a.threshold} confirmations`, "wait for the others"),
  FundUnauthorized: (a) => NO_ROLE(a.account, "该案件"),
  JurisdictionAlreadyRegistered: (a) => r(`辖区 ${code(a.code)} 已登记`, "无需再登记", `jurisdiction ${code(a.code)} is registered already`, "nothing to register"),
  JurisdictionNotUnderParent: (a) => r(`${code(a.code)} 不是 ${code(a.parent)} 的下级区划代码`, "核对区划代码", `${code(a.code)} is no division beneath ${code(a.parent)}`, "check the division codes"),
  JurisdictionPauseUnchanged: (a) => r(`辖区 ${code(a.jurisdiction)} 已经是${a.paused ? "暂停" : "恢复"}状态`, "无需再办", `jurisdiction ${code(a.jurisdiction)} is ${a.paused ? "paused" : "running"} already`, "nothing to change"),
  JurisdictionPaused: (a) => r(`辖区 ${code(a.pausedAt)} 已被暂停办理`, "待治理委员会恢复后再办理", `jurisdiction ${code(a.pausedAt)} is paused`, "wait until governance resumes it"),
  JurisdictionUnknown: (a) => r(`辖区 ${code(a.code)} 尚未登记`, "请治理委员会先登记", `jurisdiction ${code(a.code)} is not registered`, "governance registers it first"),
  LogAlreadyRegistered: (a) => r(`日志 ${short(a.logId)} 已登记给 ${code(a.jurisdiction)}`, "无需再登记", `log ${short(a.logId)} is registered already, for ${code(a.jurisdiction)}`, "nothing to register"),
  LogNotRegistered: (a) => r(`日志 ${short(a.logId)} 未登记`, "请治理委员会登记（aidtrail register-log）", `log ${short(a.logId)} is not registered`, "governance registers it (aidtrail register-log)"),
  LogRegistrationUnauthorized: (a) => GOVERNANCE(a.account),
  PayoutAboveApproved: (a) => r(`发放 ${yuan(a.amount as bigint)} 元不在核定金额 ${yuan(a.limit as bigint)} 元之内（且须大于零）`, `发放不超过 ${yuan(a.limit as bigint)} 元`, `${yuan(a.amount as bigint)} yuan is not within the approved ${yuan(a.limit as bigint)} yuan (and above zero)`, `pay at most ${yuan(a.limit as bigint)} yuan`),
  PayoutAboveStandard: (a) => r(`发放 ${yuan(a.amount as bigint)} 元超过该月标准上限 ${yuan(a.cap as bigint)} 元`, `发放不超过 ${yuan(a.cap as bigint)} 元`, `${yuan(a.amount as bigint)} yuan is above the month's cap of ${yuan(a.cap as bigint)} yuan`, `pay at most ${yuan(a.cap as bigint)} yuan`),
  PayoutAllocationAboveCounty: (a) => r(`拨款 ${a.allocationId} 在 ${code(a.jurisdiction)}，县级以上资金须先拨付到县`, "从本县的拨款发放", `allocation ${a.allocationId} is held at ${code(a.jurisdiction)}, above the counties: it reaches cases only by allocation`, "pay from the county's own allocation"),
  PayoutAlreadyMade: (a) => r(`案件 ${short(a.caseId)} ${monthZh(a.period)}已发放`, "不要重复发放；退回后才能再发", `case ${short(a.caseId)} is paid for ${monthEn(a.period)} already`, "pay it again only after a reversal"),
  PayoutBatchEmpty: () => r("发放批次为空", "至少一行", "the payout batch is empty", "send at least one line"),
  PayoutBeforeEntitlement: (a) => r(`案件 ${short(a.caseId)} 自 ${cst(a.entitledFrom)} 起享受（公示结束或恢复发放），不含${monthZh(a.period)}`, "发放该日期所在月份及以后", `case ${short(a.caseId)} is entitled from ${cst(a.entitledFrom)} (its notice's end, or its resumption), not for ${monthEn(a.period)}`, "pay from that month on"),
  PayoutCaseNotActive: (a) => r(`案件 ${short(a.caseId)} 现为“${statusZh(a.status)}”，不在发放中`, "先启动发放", `case ${short(a.caseId)} is ${statusEn(a.status)}, not being paid`, "activate it first"),
  PayoutNotMade: (a) => r(`案件 ${short(a.caseId)} ${monthZh(a.period)}为“${payoutZh(a.state)}”，没有可确认收到的发放`, "核对月份", `case ${short(a.caseId)} has no payout for ${monthEn(a.period)} to acknowledge (${payoutEn(a.state)})`, "check the month"),
  PayoutNotOutstanding: (a) => r(`案件 ${short(a.caseId)} ${monthZh(a.period)}为“${payoutZh(a.state)}”，不能到账确认或退回`, "核对月份和状态", `case ${short(a.caseId)}'s payout for ${monthEn(a.period)} is ${payoutEn(a.state)}: it cannot be settled or reversed`, "check the month and its state"),
  PayoutOutsideAllocation: (a) => r(`案件 ${short(a.caseId)} 不在拨款 ${a.allocationId} 的辖区内`, "从案件所在辖区的拨款发放", `case ${short(a.caseId)} is outside allocation ${a.allocationId}'s jurisdiction`, "pay from an allocation of the case's jurisdiction"),
  PayoutOutsideFiscalYear: (a) => r(`拨款 ${a.allocationId} 是 ${a.fiscalYear} 年度的，不能发放${monthZh(a.period)}`, "用该月所在年度的拨款", `allocation ${a.allocationId} is of fiscal year ${a.fiscalYear}, not for ${monthEn(a.period)}`, "pay from that year's allocation"),
  PayoutPeriodInFuture: (a) => r(`账本当前是${monthZh(a.current)}，${monthZh(a.period)}尚未开始`, "到该月再发放", `the ledger's month is ${monthEn(a.current)}: ${monthEn(a.period)} has not begun`, "pay it once it has begun"),
  PayoutPeriodInvalid: (a) => r(`${a.period} 不是有效的月份`, "按月发放填 YYYYMM，一次性救助填 0", `${a.period} is no valid period`, "YYYYMM for monthly programmes, 0 for one-off ones"),
  PayoutProgrammeMismatch: (a) => r(`案件 ${short(a.caseId)} 的救助项目与拨款 ${a.allocationId} 不符`, "从同一项目的拨款发放", `case ${short(a.caseId)} is of another programme than allocation ${a.allocationId}`, "pay from an allocation of its programme"),
  PayoutReversalMismatch: (a) => r(`该笔发放是从拨款 ${a.paidFrom} 发出的 ${yuan(a.paidAmount as bigint)} 元，退回须与之一致`, `退回 ${yuan(a.paidAmount as bigint)} 元到拨款 ${a.paidFrom}`, `the payout was ${yuan(a.paidAmount as bigint)} yuan from allocation ${a.paidFrom}; a reversal names exactly those`, `reverse ${yuan(a.paidAmount as bigint)} yuan to allocation ${a.paidFrom}`),
  RevisionIdentityMismatch: (a) => r(`修订不能更换案件 ${short(a.caseId)} 的申请人`, "申请人变化须另行申请", `a revision cannot change case ${short(a.caseId)}'s applicant`, "a new applicant applies anew"),
  RevisionMemberUnknown: (a) => r(`要移出的成员不是案件 ${short(a.caseId)} 的家庭成员`, "核对家庭成员", `a member leaving is not of case ${short(a.caseId)}'s household`, "check the household"),
  StandardAmountZero: () => r("标准不能为零", "填写大于零的标准", "a standard of zero", "give one above zero"),
  StandardEffectiveDateNotIncreasing: (a) => r(`新标准的生效日 ${cst(a.effectiveFrom)} 须晚于上一标准的 ${cst(a.latestEffectiveFrom)}`, "选更晚的生效日", `a new standard's date ${cst(a.effectiveFrom)} must follow the latest, ${cst(a.latestEffectiveFrom)}`, "choose a later date"),
  StandardJurisdictionUnknown: (a) => r(`辖区 ${code(a.jurisdiction)} 尚未登记`, "请治理委员会先登记", `jurisdiction ${code(a.jurisdiction)} is not registered`, "governance registers it first"),
  StandardNotSet: (a) => r(`${code(a.jurisdiction)} 在 ${cst(a.time)} 没有${programmeZh(a.programme)}标准`, "请治理委员会设定标准", `no ${programme(a.programme)} standard is in force in ${code(a.jurisdiction)} on ${cst(a.time)}`, "governance sets one"),
  StandardUnauthorized: (a) => GOVERNANCE(a.account),
};

/** The plain words of a refusal, or null for an error no aidtrail contract raises (OpenZeppelin's own, say). */
export function refusalOf(name: string, args: Args): Refusal | null {
  const explain = REFUSALS[name];
  return explain ? explain(args) : null;
}
