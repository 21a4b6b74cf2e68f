import { speak } from "./i18n.js";

speak({
  zh: {
    title: "aidtrail 社会救助账本", heading: "aidtrail 社会救助账本", citizen: "救助查询：我的案件和发放记录", decisions: "审核审批：待办案件，在浏览器中签署决定", notices: "公示栏：正在公示的家庭，可打印张贴", intake: "受理申请：填写申请，签名受理，打印回执", auditor: "审计：核验审计包或单条记录，案件轨迹，资金流向",
    finance: "财务：每月发放", settlement: "到账确认：银行回盘文件逐行核对，一次签名确认", equalization: "监督：各地、城乡之间的均等化", api: "接口说明：",
  },
  en: {
    title: "aidtrail social assistance ledger", heading: "aidtrail social assistance ledger", citizen: "Citizen: my case and my payments", decisions: "Review and approval: cases waiting, decisions signed in the browser", notices: "Public notice board: households in public notice, printable", intake: "Intake: an application taken down, signed, its receipt printed", auditor: "Auditor: verify a bundle or a record, case trails, fund flows",
    finance: "Finance officer: monthly payout runs", settlement: "Settlement: the bank's return file matched line by line, confirmed in one signature", equalization: "Supervisor: equalisation across jurisdictions, urban and rural", api: "The API: ",
  },
});
