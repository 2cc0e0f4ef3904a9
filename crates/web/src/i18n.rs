//! The message catalogue: every user-facing string, Simplified Chinese by default and
//! English on request (`?lang=en` or the `lang` cookie set by the language switch).
//! Browser language headers are ignored: the platform is Chinese unless asked.

use axum::http::HeaderMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// From the query string's `lang`, then the `lang` cookie; Chinese otherwise.
    pub fn detect(query: Option<&str>, headers: &HeaderMap) -> Self {
        if let Some(l) = query.and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::parse)
        }) {
            return l;
        }
        crate::auth::cookie(headers, "lang")
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    /// Comma-separated codes as their labels under `prefix` (`family.group`, …), joined
    /// as the language lists things.
    pub fn labels(self, prefix: &str, codes: &str) -> String {
        codes
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| self.t(&format!("{prefix}.{c}")))
            .collect::<Vec<_>>()
            .join(if self == Lang::Zh { "、" } else { ", " })
    }

    /// The catalogue text for `key`; the key itself if it is missing (a test forbids that).
    pub fn t(self, key: &str) -> &'static str {
        match lookup(key) {
            Some((zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => "?",
        }
    }
}

pub fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    CATALOGUE
        .binary_search_by(|(k, _, _)| k.cmp(&key))
        .ok()
        .map(|i| (CATALOGUE[i].1, CATALOGUE[i].2))
}

/// (key, zh-CN, en), sorted by key (a test checks).
pub static CATALOGUE: &[(&str, &str, &str)] = &[
    ("action.back", "返回", "Back"),
    ("action.cancel", "取消", "Cancel"),
    ("action.create", "新建", "Create"),
    ("action.deactivate", "停用", "Deactivate"),
    (
        "action.download_rejects",
        "下载错误行",
        "Download rejected rows",
    ),
    ("action.edit", "编辑", "Edit"),
    ("action.import", "导入", "Import"),
    ("action.login", "登录", "Log in"),
    ("action.logout", "退出", "Log out"),
    ("action.reactivate", "启用", "Reactivate"),
    ("action.save", "保存", "Save"),
    ("action.search", "搜索", "Search"),
    ("app.name", "医共体信息平台", "Medical Community Platform"),
    ("audit.action", "操作", "Action"),
    ("audit.at", "时间", "Time"),
    ("audit.detail", "详情", "Detail"),
    ("audit.entity", "对象", "Entity"),
    ("audit.ip", "地址", "Address"),
    ("audit.outcome", "结果", "Outcome"),
    ("audit.outcome.allowed", "允许", "allowed"),
    ("audit.outcome.denied", "拒绝", "denied"),
    ("audit.title", "审计日志", "Audit log"),
    ("audit.user", "用户", "User"),
    ("chronic.adherence", "服药依从性", "Adherence"),
    ("chronic.adherence.intermittent", "间断", "Intermittent"),
    ("chronic.adherence.none", "不服药", "Not taking"),
    ("chronic.adherence.regular", "规律", "Regular"),
    (
        "chronic.adverse_reaction",
        "药物不良反应",
        "Adverse drug reaction",
    ),
    ("chronic.blood_pressure", "血压", "Blood pressure"),
    ("chronic.by_clinic", "按机构", "By clinic"),
    ("chronic.by_doctor", "按责任医生", "By doctor"),
    ("chronic.by_team", "按团队", "By team"),
    (
        "chronic.control_by_month",
        "按月随访控制满意比例",
        "Visits controlled, by month",
    ),
    ("chronic.control_rate", "控制率", "Controlled"),
    ("chronic.controlled", "控制满意", "Controlled"),
    (
        "chronic.danger_symptoms",
        "危急症状（意识改变、剧烈头痛、胸闷胸痛、烂苹果味呼吸等）",
        "Danger symptoms (altered consciousness, severe headache, chest pain, ketotic breath, …)",
    ),
    ("chronic.days", "天", "days"),
    ("chronic.disease.diabetes", "2 型糖尿病", "Type 2 diabetes"),
    ("chronic.disease.hypertension", "高血压", "Hypertension"),
    ("chronic.due", "应随访日期", "Due"),
    ("chronic.due_this_week", "本周应随访", "Due this week"),
    (
        "chronic.emergency_referral",
        "立即发起急诊转诊",
        "Start an emergency referral now",
    ),
    ("chronic.history", "随访记录", "Visit history"),
    ("chronic.last_result", "上次结果", "Last result"),
    ("chronic.lifestyle", "生活方式指导", "Lifestyle advice"),
    ("chronic.lifestyle.alcohol", "限酒", "Less alcohol"),
    ("chronic.lifestyle.diet", "合理膳食", "Balanced diet"),
    ("chronic.lifestyle.exercise", "适量运动", "Exercise"),
    ("chronic.lifestyle.mood", "心理调适", "Mood and stress"),
    ("chronic.lifestyle.salt", "限盐", "Less salt"),
    ("chronic.lifestyle.smoking", "戒烟", "Stop smoking"),
    ("chronic.lifestyle.weight", "控制体重", "Weight control"),
    ("chronic.managed", "管理人数", "Managed"),
    ("chronic.my_follow_ups", "我的随访", "My follow-ups"),
    (
        "chronic.new_complication",
        "新发并发症或原有并发症加重",
        "New or worse complication",
    ),
    ("chronic.next_visit", "下次随访", "Next visit"),
    (
        "chronic.no_register",
        "未纳入高血压、糖尿病管理",
        "Not on the hypertension or diabetes register",
    ),
    (
        "chronic.none_overdue",
        "没有逾期未随访的患者",
        "Nobody is overdue",
    ),
    ("chronic.overdue", "已逾期", "Overdue"),
    ("chronic.overdue_by", "逾期", "overdue"),
    ("chronic.plan", "处理", "Plan"),
    (
        "chronic.plan.emergency_referral",
        "紧急转诊，2 周内随访",
        "emergency referral; follow up within 2 weeks",
    ),
    (
        "chronic.plan.recheck",
        "2 周内随访",
        "next visit within 2 weeks",
    ),
    (
        "chronic.plan.refer",
        "建议转诊上级医院，2 周内随访",
        "refer upward; follow up within 2 weeks",
    ),
    (
        "chronic.plan.routine",
        "3 个月内随访",
        "next visit within 3 months",
    ),
    (
        "chronic.plan_title.diabetes",
        "2 型糖尿病患者健康管理",
        "Type 2 diabetes management",
    ),
    (
        "chronic.plan_title.hypertension",
        "高血压患者健康管理",
        "Hypertension management",
    ),
    (
        "chronic.print_list",
        "打印入户随访清单",
        "Print the home-visit list",
    ),
    (
        "chronic.quality",
        "高血压、糖尿病管理质量",
        "Hypertension and diabetes management",
    ),
    (
        "chronic.quality_help",
        "规范管理率 = 一年内随访不少于 4 次的患者 ÷ 管理患者；控制率 = 最近一次随访控制满意的患者 ÷ 管理患者",
        "Standardised = patients seen at least 4 times in the year ÷ patients managed; controlled = latest visit controlled ÷ patients managed",
    ),
    ("chronic.quality_since", "统计自", "Since"),
    ("chronic.record_visit", "记录随访", "Record a visit"),
    ("chronic.recorded", "随访已记录", "Visit recorded"),
    ("chronic.refer_up", "发起上转", "Refer upward"),
    ("chronic.registers", "慢病管理", "Chronic-disease registers"),
    ("chronic.standardised_rate", "规范管理率", "Standardised"),
    ("chronic.symptoms", "症状", "Symptoms"),
    ("chronic.uncontrolled", "控制不满意", "Not controlled"),
    ("chronic.value", "测量值", "Measured"),
    (
        "ecg.ack_needed",
        "危急值待确认",
        "Critical: awaiting acknowledgement",
    ),
    (
        "ecg.acknowledge",
        "确认已收到危急值",
        "Acknowledge the critical report",
    ),
    (
        "ecg.acknowledged",
        "危急值已确认",
        "Critical report acknowledged",
    ),
    ("ecg.alert.atrial_fibrillation", "疑似房颤", "Suspected AF"),
    ("ecg.alert.extreme_rate", "心率极端", "Extreme rate"),
    ("ecg.alert.long_pause", "长间歇", "Long pause"),
    (
        "ecg.alert.st_elevation",
        "疑似 ST 段抬高",
        "Suspected ST elevation",
    ),
    (
        "ecg.alert.ventricular_fibrillation",
        "疑似室颤/室扑",
        "Suspected VF or flutter",
    ),
    ("ecg.all", "全部检查", "All studies"),
    ("ecg.by_reader", "按阅图医生", "By reader"),
    ("ecg.by_sender", "按发送机构", "By sending clinic"),
    (
        "ecg.calipers",
        "卡尺：在心电图上点击两点，测量间期。",
        "Calipers: click two points on the trace to measure an interval.",
    ),
    ("ecg.chest_pain", "胸痛", "Chest pain"),
    ("ecg.claim", "领取阅图", "Claim to read"),
    ("ecg.claimed_by", "阅图医生", "Reader"),
    (
        "ecg.computer",
        "计算机自动分析（仅供参考，以医生诊断为准）",
        "Computer analysis (suggestions only; the reader decides)",
    ),
    ("ecg.computer_short", "自动分析", "Computer"),
    ("ecg.days", "天", "days"),
    (
        "ecg.event.acknowledge",
        "确认危急值",
        "Critical acknowledged",
    ),
    ("ecg.event.claim", "领取阅图", "Claimed"),
    ("ecg.event.release", "放回列表", "Released"),
    ("ecg.event.report", "签发报告", "Reported"),
    (
        "ecg.event.uploaded",
        "上传并自动分析",
        "Uploaded and measured",
    ),
    (
        "ecg.file_hint",
        "支持 HL7 aECG（.xml）、DICOM（.dcm）、WFDB（.hea 与 .dat 一同选择）、CSV",
        "HL7 aECG (.xml), DICOM (.dcm), WFDB (choose the .hea and .dat together), CSV",
    ),
    ("ecg.from", "发送机构", "Sent from"),
    ("ecg.heart_rate", "心率", "Heart rate"),
    ("ecg.median_minutes", "中位时间（分钟）", "Median (min)"),
    (
        "ecg.median_turnaround",
        "上传到报告的中位时间（按紧急程度）",
        "Median upload-to-report time by urgency",
    ),
    ("ecg.minutes", "分钟", "min"),
    (
        "ecg.none_unacknowledged",
        "没有未确认的危急值",
        "No critical report awaits acknowledgement",
    ),
    (
        "ecg.open_green_channel",
        "一键发起急诊绿色通道转诊",
        "Open an emergency green-channel referral",
    ),
    ("ecg.pauses", "长间歇", "Pauses"),
    ("ecg.print", "打印报告", "Print report"),
    ("ecg.qrs", "QRS 时限", "QRS duration"),
    ("ecg.qt", "QT/QTc", "QT/QTc"),
    ("ecg.quality", "信号质量", "Signal quality"),
    ("ecg.quality.flat", "无信号", "no signal"),
    ("ecg.quality.good", "良好", "good"),
    ("ecg.quality.lead_off", "导联脱落", "lead off"),
    ("ecg.quality.noisy", "干扰大", "noisy"),
    ("ecg.quality.saturated", "信号饱和", "saturated"),
    ("ecg.release", "放回列表", "Release"),
    ("ecg.report", "签发报告", "Sign report"),
    ("ecg.report_title", "心电图报告", "ECG report"),
    ("ecg.reported_count", "已报告", "Reported"),
    ("ecg.rhythm", "节律", "Rhythm"),
    ("ecg.rr", "RR 间期", "RR interval"),
    (
        "ecg.sample_rate_hint",
        "仅无时间列的 CSV 需要，如 500",
        "Only for a CSV without a time column, e.g. 500",
    ),
    ("ecg.sent", "本机构发送", "Sent by us"),
    ("ecg.since_report", "报告后已过", "Since the report"),
    ("ecg.st", "ST 段（J+60 ms）", "ST level (J+60 ms)"),
    ("ecg.st_elevation", "ST 段抬高", "ST elevation"),
    ("ecg.stats", "心电统计", "ECG turnaround"),
    ("ecg.status.awaiting", "待阅", "Awaiting"),
    ("ecg.status.reading", "阅图中", "Reading"),
    ("ecg.status.reported", "已报告", "Reported"),
    ("ecg.territory.anterior", "前壁", "Anterior"),
    ("ecg.territory.inferior", "下壁", "Inferior"),
    ("ecg.territory.lateral", "侧壁", "Lateral"),
    ("ecg.territory.septal", "前间壁", "Septal"),
    ("ecg.timeline", "处理过程", "Timeline"),
    ("ecg.title", "心电一张网", "ECG network"),
    ("ecg.trace", "心电图", "Trace"),
    ("ecg.twelve", "12 导联", "12-lead"),
    (
        "ecg.unacknowledged",
        "危急值未确认（需督办）",
        "Critical reports not yet acknowledged",
    ),
    ("ecg.upload", "上传心电图", "Upload ECG"),
    ("ecg.uploaded_count", "上传", "Uploaded"),
    ("ecg.urgency.critical", "危急", "Critical"),
    ("ecg.urgency.routine", "常规", "Routine"),
    ("ecg.urgency.urgent", "紧急", "Urgent"),
    (
        "ecg.urgent_within_10",
        "危急和紧急检查 10 分钟内出报告的比例",
        "Critical and urgent studies reported within 10 minutes",
    ),
    ("ecg.waiting", "等待时间", "Waiting"),
    ("ecg.worklist", "阅图工作列表", "Reading worklist"),
    ("ecg.zoom", "缩放", "Zoom"),
    (
        "error.already_registered",
        "该居民已在此病种管理中",
        "the resident is already on this register",
    ),
    (
        "error.bad_json",
        "请求内容不是有效的 JSON",
        "The request body is not valid JSON",
    ),
    (
        "error.birth_date_disagrees_with_id_number",
        "与身份证号不一致",
        "does not match the date in the ID number",
    ),
    (
        "error.code_invalid",
        "编码只能包含字母、数字和连字符，最长 32 位",
        "may contain only letters, digits and dashes, at most 32",
    ),
    (
        "error.contract_active",
        "该居民已有有效签约，请续约或转签",
        "already has an active contract: renew or transfer it",
    ),
    (
        "error.contract_not_active",
        "该签约已不在有效期内",
        "The contract is no longer active",
    ),
    (
        "error.criteria_not_met",
        "筛查尚未达到诊断标准（非同日升高次数/所需次数），请选择其他依据或继续测量",
        "the screenings do not yet meet the criteria (raised days/needed); choose another basis or measure again",
    ),
    (
        "error.csrf_failed",
        "页面已过期，请刷新后重试",
        "The page has expired; reload and try again",
    ),
    (
        "error.date_invalid",
        "格式应为 YYYY-MM-DD",
        "must be a date as YYYY-MM-DD",
    ),
    (
        "error.department_invalid",
        "不属于该机构",
        "is not a department of that institution",
    ),
    (
        "error.destination_invalid",
        "接收机构或科室不符合转诊方向",
        "is not a valid destination for this direction",
    ),
    ("error.duplicate", "已存在相同的记录", "already exists"),
    (
        "error.ecg_already_acknowledged",
        "该危急值已确认",
        "This critical report is already acknowledged",
    ),
    (
        "error.ecg_claimed_by_other",
        "该检查已由其他医生领取",
        "Another reader has claimed this study",
    ),
    (
        "error.ecg_data_damaged",
        "心电数据不完整或已损坏",
        "The ECG data is incomplete or damaged",
    ),
    (
        "error.ecg_finding_unknown",
        "不在诊断编码列表中",
        "is not in the list of coded findings",
    ),
    (
        "error.ecg_form_unreadable",
        "上传内容无法读取，请重新选择文件",
        "The upload could not be read; choose the file again",
    ),
    (
        "error.ecg_header_invalid",
        "心电文件头信息有误",
        "The ECG file's header is invalid",
    ),
    (
        "error.ecg_not_critical",
        "该报告不是危急值，无需确认",
        "Only a critical report needs acknowledging",
    ),
    (
        "error.ecg_not_reader",
        "只有心电诊断中心的医生可以阅图",
        "Only the ECG centre reads studies",
    ),
    (
        "error.ecg_not_sender",
        "只有发送心电图的机构可以确认",
        "Only the sending clinic acknowledges",
    ),
    (
        "error.ecg_too_many_files",
        "一次只能上传一份心电图（WFDB 为 .hea 和 .dat 两个文件）",
        "One recording per upload (a WFDB record is its .hea and .dat)",
    ),
    (
        "error.ecg_too_short",
        "记录太短，至少需要 2 秒",
        "The recording is too short; at least 2 s are needed",
    ),
    (
        "error.ecg_unsupported",
        "不支持的心电文件格式（支持 HL7 aECG、DICOM、WFDB、CSV）",
        "Unsupported ECG file (HL7 aECG, DICOM, WFDB and CSV are read)",
    ),
    (
        "error.ecg_wrong_status",
        "该检查当前状态不允许此操作，请刷新",
        "The study is not in a state for this; reload",
    ),
    (
        "error.fhir_parameter_unsupported",
        "不支持的检索参数",
        "Unsupported search parameter",
    ),
    (
        "error.forbidden",
        "您的角色无权执行此操作",
        "Your role may not do this",
    ),
    (
        "error.icd10_invalid",
        "ICD-10 编码格式不正确",
        "is not a well-formed ICD-10 code",
    ),
    (
        "error.id_number_birth_date",
        "其中的出生日期无效",
        "holds no real birth date",
    ),
    (
        "error.id_number_characters",
        "前 17 位须为数字，末位为数字或 X",
        "must be 17 digits followed by a digit or X",
    ),
    (
        "error.id_number_check_digit",
        "校验位不正确",
        "has a wrong check digit",
    ),
    (
        "error.id_number_length",
        "应为 18 位",
        "must have 18 characters",
    ),
    (
        "error.id_search_needs_whole_number",
        "按身份证号查找须输入完整的 18 位号码",
        "Searching by ID number needs the whole 18-character number",
    ),
    (
        "error.import_empty",
        "文件中没有数据行",
        "The file has no data rows",
    ),
    (
        "error.import_header_missing",
        "文件缺少必需的列",
        "The file lacks a required column",
    ),
    (
        "error.import_old_format",
        "不支持旧版 Excel（.xls）或 .ods 文件，请另存为 .xlsx 或 CSV 后再导入",
        "Old Excel (.xls) and .ods files are not read: save as .xlsx or CSV and import again",
    ),
    (
        "error.import_too_large",
        "文件解压后过大，请拆分后分批导入",
        "The file is too large once unpacked: split it and import the parts",
    ),
    (
        "error.import_too_many_rows",
        "单次导入的行数超过上限，请拆分后分批导入。上限",
        "Too many rows for one import: split the file. The limit is",
    ),
    (
        "error.import_unreadable",
        "无法读取该文件：请上传 CSV 或 Excel (.xlsx) 文件",
        "The file cannot be read: upload a CSV or Excel (.xlsx) file",
    ),
    (
        "error.in_future",
        "不能晚于当前时间",
        "cannot be in the future",
    ),
    (
        "error.institution_invalid",
        "不能登记居民（须为在用的乡镇卫生院或村卫生室）",
        "cannot hold residents (choose a township centre or village clinic)",
    ),
    (
        "error.internal",
        "服务器内部错误，请稍后重试",
        "Internal error; please try again later",
    ),
    (
        "error.invalid_characters",
        "包含不允许的字符",
        "contains characters that are not allowed",
    ),
    (
        "error.invalid_credentials",
        "用户名或密码错误",
        "Wrong username or password",
    ),
    (
        "error.invalid_field",
        "字段类型或取值不正确",
        "has a wrong type or value",
    ),
    (
        "error.invalid_path",
        "地址中的编号格式不正确",
        "An id in the address is malformed",
    ),
    (
        "error.key_group_derived",
        "该人群由年龄和慢病档案自动确定，无需勾选",
        "is set from age and the registers, not by hand",
    ),
    (
        "error.method_not_allowed",
        "此地址不支持该请求方法",
        "This address does not take that method",
    ),
    (
        "error.milestone_too_early",
        "早于转诊发出的时间（首诊、首份心电图最多早 24 小时）",
        "is before the referral was sent (first contact and first ECG: at most 24 hours before)",
    ),
    (
        "error.not_found",
        "记录不存在或您无权查看",
        "Not found, or not yours to see",
    ),
    (
        "error.nothing_measured",
        "请至少填写血压、血糖或慢阻肺问卷中的一项",
        "enter a blood pressure, a glucose or the COPD questionnaire",
    ),
    (
        "error.onset_after_recording",
        "发病时间不能晚于记录时间",
        "the onset cannot be after the recording",
    ),
    (
        "error.out_of_range",
        "数值超出合理范围",
        "is outside the plausible range",
    ),
    (
        "error.outcome_invalid",
        "结局不适用于该转诊",
        "does not fit this referral",
    ),
    (
        "error.own_account",
        "不能停用自己的账号",
        "You cannot deactivate your own account",
    ),
    (
        "error.parent_invalid",
        "不符合层级要求",
        "is not a valid parent for this kind of institution",
    ),
    (
        "error.password_too_short",
        "至少 8 位",
        "must have at least 8 characters",
    ),
    (
        "error.pathway_required",
        "急诊转诊须选择绿色通道类型",
        "an emergency referral needs a green-channel pathway",
    ),
    (
        "error.payload_too_large",
        "上传内容过大",
        "The upload is too large",
    ),
    (
        "error.phone_invalid",
        "应为以 1 开头的 11 位数字",
        "must be 11 digits starting with 1",
    ),
    (
        "error.query_too_long",
        "查询内容过长（最多 40 个字）",
        "The search is too long (40 characters at most)",
    ),
    ("error.reason_required", "须填写原因", "needs a reason"),
    (
        "error.referral_ended",
        "该转诊已结束",
        "The referral has already ended",
    ),
    (
        "error.referral_wrong_status",
        "当前状态下不能执行该操作（可能已被他人处理）",
        "This action does not fit the referral's current status (someone may have acted first)",
    ),
    (
        "error.register_changed",
        "该档案刚被他人更新，请刷新后重试",
        "The record was just changed by someone else; reload and try again",
    ),
    ("error.required", "不能为空", "is required"),
    (
        "error.role_invalid",
        "与所属机构不匹配",
        "does not fit the institution",
    ),
    (
        "error.sample_rate_invalid",
        "采样率应为 50–20000 Hz 的数字",
        "must be a number from 50 to 20,000 Hz",
    ),
    (
        "error.sender_invalid",
        "您所在机构不能发起该方向的转诊",
        "Your institution cannot send a referral in this direction",
    ),
    (
        "error.sex_disagrees_with_id_number",
        "与身份证号不一致",
        "does not match the ID number",
    ),
    (
        "error.sex_invalid",
        "应为 male（男）或 female（女）",
        "must be male or female",
    ),
    (
        "error.suspicion_closed",
        "该疑似已由其他医生处理",
        "someone has already decided this",
    ),
    (
        "error.team_does_not_serve",
        "该团队不服务此居民所在的村",
        "does not serve the resident's clinic",
    ),
    (
        "error.team_leader_not_member",
        "队长须为团队成员",
        "the leader must be a member",
    ),
    (
        "error.team_not_township",
        "团队须设在乡镇卫生院",
        "must be a township health centre",
    ),
    (
        "error.team_role_missing",
        "团队缺少必需成员（1 名县级专家、1 名乡镇临床医生、1 名公卫医生、1 名村医）",
        "lacks a required member (a county specialist, a township clinician, a public-health doctor, a village doctor)",
    ),
    (
        "error.team_role_wrong_level",
        "成员的工作单位与其角色不符",
        "a member works at the wrong level for their role",
    ),
    (
        "error.team_village_invalid",
        "须为该乡镇下属的村卫生室",
        "must be village clinics of that township",
    ),
    (
        "error.title_invalid",
        "不在允许的列表中",
        "is not a known title",
    ),
    ("error.too_long", "内容过长", "is too long"),
    (
        "error.too_many_identifier_lookups",
        "按身份证号查找过于频繁，请一小时后再试",
        "Too many look-ups by ID number: try again in an hour",
    ),
    (
        "error.too_many_logins",
        "登录失败次数过多，请 5 分钟后再试",
        "Too many failed logins: try again in 5 minutes",
    ),
    ("error.unauthenticated", "请先登录", "Please log in"),
    (
        "error.unsupported_media_type",
        "请求须为 application/json",
        "The request must be application/json",
    ),
    ("family.all_clinics", "合计", "All"),
    (
        "family.by_group",
        "按重点人群签约",
        "Contracts by key population",
    ),
    ("family.choose_township", "选择", "Choose"),
    (
        "family.composition_help",
        "“1+2+1+N”：县级专家 1 名、乡镇临床医生和公卫医生各 1 名、村医 1 名为必选，护士、药师、检验人员可选。",
        "'1+2+1+N': one county specialist, a township clinician, a public-health doctor and a village doctor are required; nurse, pharmacist and lab are optional.",
    ),
    ("family.contract", "家庭医生签约", "Family-doctor contract"),
    ("family.contracted", "已签约", "Under contract"),
    ("family.contracts", "在约居民", "Residents under contract"),
    (
        "family.contracts_title",
        "家庭医生签约",
        "Family-doctor contracts",
    ),
    ("family.done.end", "已解约", "Contract ended"),
    ("family.done.renew", "已续约一年", "Renewed for a year"),
    (
        "family.done.transfer",
        "已转签到新团队",
        "Transferred to the new team",
    ),
    (
        "family.due_for_renewal",
        "30 天内到期待续约",
        "Due for renewal within 30 days",
    ),
    ("family.end", "解约", "End"),
    ("family.end.deceased", "死亡", "Deceased"),
    ("family.end.declined", "本人不再续约", "Declined"),
    ("family.end.expired", "到期未续", "Expired"),
    ("family.end.moved", "迁出", "Moved away"),
    ("family.end.transferred", "转签其他团队", "Transferred"),
    ("family.end_reason", "解约原因", "Reason for ending"),
    ("family.ends", "到期日", "Ends"),
    ("family.group.child", "0–6 岁儿童", "Children 0–6"),
    ("family.group.diabetes", "2 型糖尿病患者", "Type 2 diabetes"),
    ("family.group.disabled", "残疾人", "Disabled"),
    (
        "family.group.elderly",
        "65 岁及以上老年人",
        "Aged 65 and over",
    ),
    ("family.group.hypertension", "高血压患者", "Hypertension"),
    ("family.group.low_income", "低收入人群", "Low income"),
    ("family.group.pregnant", "孕产妇", "Pregnant or postpartum"),
    (
        "family.group.severe_mental",
        "严重精神障碍患者",
        "Severe mental illness",
    ),
    ("family.group.tuberculosis", "肺结核患者", "Tuberculosis"),
    (
        "family.groups_derived",
        "65 岁以上、0–6 岁儿童和在管慢病由档案自动标记。",
        "Age 65+, children 0–6 and the registers are tagged from the records.",
    ),
    (
        "family.key_contracted",
        "重点人群签约",
        "Key population under contract",
    ),
    ("family.key_population", "重点人群", "Key population"),
    ("family.leader", "队长", "Leader"),
    ("family.member", "成员", "Member"),
    ("family.members", "成员", "Members"),
    (
        "family.more_groups",
        "其他重点人群",
        "Other key populations",
    ),
    ("family.new_team", "组建团队", "New team"),
    (
        "family.no_contract",
        "尚未签约家庭医生。",
        "No family-doctor contract yet.",
    ),
    (
        "family.no_team",
        "本机构还没有家庭医生团队覆盖，请联系医共体办公室。",
        "No family-doctor team covers this clinic yet; ask the community office.",
    ),
    (
        "family.open_follow_ups",
        "本周待随访（含逾期）",
        "Follow-ups due this week or overdue",
    ),
    ("family.package", "服务包", "Service package"),
    (
        "family.package_auto",
        "按人群自动选择",
        "Chosen by key population",
    ),
    (
        "family.rates",
        "签约率（按机构）",
        "Contract coverage by clinic",
    ),
    ("family.renew", "续约一年", "Renew for a year"),
    ("family.residents", "居民", "Residents"),
    ("family.role", "角色", "Role"),
    ("family.role.lab", "检验人员", "Laboratory"),
    ("family.role.nurse", "护士", "Nurse"),
    ("family.role.pharmacist", "药师", "Pharmacist"),
    (
        "family.role.public_health",
        "公卫医生",
        "Public-health doctor",
    ),
    ("family.role.specialist", "县级专家", "County specialist"),
    (
        "family.role.township_clinician",
        "乡镇临床医生",
        "Township clinician",
    ),
    ("family.role.village_doctor", "村医", "Village doctor"),
    ("family.sign", "签约", "Sign"),
    ("family.signed", "签约成功", "Contract signed"),
    ("family.start", "签约日期", "Start date"),
    (
        "family.tagged_only",
        "仅统计已标记的签约居民",
        "Tagged contracts only",
    ),
    ("family.team", "团队", "Team"),
    ("family.teams", "家庭医生团队", "Family-doctor teams"),
    ("family.term", "服务期", "Term"),
    (
        "family.township",
        "所属乡镇卫生院",
        "Township health centre",
    ),
    ("family.transfer", "转签", "Transfer"),
    ("field.address", "地址", "Address"),
    ("field.adherence", "服药依从性", "Adherence"),
    ("field.advice", "指导", "Advice"),
    ("field.appointment_at", "预约时间", "Appointment"),
    ("field.at", "时间", "Time"),
    ("field.basis", "诊断依据", "Basis"),
    ("field.birth_date", "出生日期", "Birth date"),
    ("field.breathlessness", "气促", "Breathlessness"),
    ("field.code", "编码", "Code"),
    ("field.conclusion", "结论", "Conclusion"),
    ("field.department", "科室", "Department"),
    ("field.department_to", "接收科室", "Receiving department"),
    ("field.diagnosed_on", "确诊日期", "Diagnosed on"),
    ("field.diastolic", "舒张压", "Diastolic"),
    ("field.direction", "转诊方向", "Direction"),
    ("field.disease", "疾病", "Disease"),
    ("field.file", "文件", "File"),
    ("field.findings", "诊断", "Findings"),
    ("field.glucose", "空腹血糖", "Fasting glucose"),
    ("field.height_cm", "身高", "Height"),
    ("field.icd10", "诊断", "Diagnosis"),
    ("field.id_number", "身份证号", "ID number"),
    ("field.institution", "所属机构", "Institution"),
    (
        "field.instructions",
        "医嘱与随访计划",
        "Care instructions and follow-up",
    ),
    ("field.key_groups", "重点人群", "Key groups"),
    ("field.kind", "类别", "Kind"),
    ("field.lead", "导联", "Lead"),
    ("field.lifestyle", "生活方式指导", "Lifestyle advice"),
    ("field.medications", "用药", "Medications"),
    ("field.members", "团队成员", "Members"),
    ("field.milestone", "节点", "Milestone"),
    ("field.name", "姓名/名称", "Name"),
    ("field.note", "备注", "Note"),
    ("field.outcome", "结局", "Outcome"),
    ("field.pack_years", "吸烟量", "Pack-years"),
    ("field.package", "服务包", "Package"),
    ("field.parent", "上级机构", "Parent"),
    ("field.password", "密码", "Password"),
    ("field.pathway", "绿色通道", "Pathway"),
    ("field.phone", "手机号", "Phone"),
    ("field.preferred_date", "期望日期", "Preferred date"),
    ("field.q", "检索词", "Search"),
    ("field.reason", "原因", "Reason"),
    ("field.recorded_at", "记录时间", "Recorded at"),
    ("field.resident", "居民", "Resident"),
    ("field.resident_id", "居民", "Resident"),
    ("field.role", "角色", "Role"),
    ("field.sample_rate", "采样率", "Sample rate"),
    ("field.screened_on", "筛查日期", "Screening date"),
    ("field.sex", "性别", "Sex"),
    ("field.specialty", "专业", "Specialty"),
    ("field.start_date", "开始日期", "Start date"),
    ("field.status", "状态", "Status"),
    ("field.summary", "病情摘要", "Clinical summary"),
    ("field.symptom_onset_at", "发病时间", "Symptom onset"),
    ("field.symptoms", "症状", "Symptoms"),
    ("field.systolic", "收缩压", "Systolic"),
    ("field.team", "团队", "Team"),
    ("field.title", "职称", "Title"),
    ("field.to_institution", "接收机构", "Receiving institution"),
    ("field.urgency", "紧急程度", "Urgency"),
    ("field.username", "用户名", "Username"),
    ("field.view", "视图", "View"),
    ("field.villages", "服务村", "Villages"),
    ("field.visit_on", "随访日期", "Visit date"),
    ("field.weight_kg", "体重", "Weight"),
    (
        "home.admin",
        "管理账号、查看审计日志、维护机构与人员。",
        "Manage accounts, read the audit log, maintain the registry.",
    ),
    (
        "home.bureau_viewer",
        "查看医共体机构与人员概况。",
        "View the community's institutions and staff.",
    ),
    (
        "home.manager",
        "维护机构、科室、人员与居民档案，导入数据。",
        "Maintain institutions, departments, staff and residents; import data.",
    ),
    (
        "home.party_secretary",
        "查看医共体各单位与人员。",
        "View the community's units and staff.",
    ),
    (
        "home.specialist",
        "查找全医共体的居民档案。",
        "Find resident records across the community.",
    ),
    (
        "home.township_doctor",
        "管理本院及所辖村卫生室的居民。",
        "Manage residents of your centre and its village clinics.",
    ),
    (
        "home.village_doctor",
        "查找并维护本村卫生室的居民档案。",
        "Find and keep the records of your village clinic's residents.",
    ),
    ("home.welcome", "欢迎", "Welcome"),
    (
        "import.hint",
        "支持 CSV 与 Excel (.xlsx)；首行为列名：姓名、身份证号、性别、出生日期、手机号、机构编码、地址。",
        "CSV or Excel (.xlsx); the first row names the columns: name, id_number, sex, birth_date, phone, institution_code, address.",
    ),
    ("import.inserted", "新增", "Inserted"),
    ("import.kind.residents", "居民", "Residents"),
    ("import.kind.staff", "医务人员", "Staff"),
    ("import.rejected", "拒绝", "Rejected"),
    ("import.title", "批量导入", "Import"),
    ("import.total", "总行数", "Rows"),
    ("import.updated", "更新", "Updated"),
    ("kind.bureau", "卫生健康局", "Health bureau"),
    ("kind.lead", "牵头医院", "Lead hospital"),
    ("kind.member", "成员单位", "Member hospital"),
    ("kind.township", "乡镇卫生院", "Township health centre"),
    ("kind.village", "村卫生室", "Village clinic"),
    ("list.empty", "没有符合条件的记录", "Nothing matches"),
    ("list.next", "下一页", "Next"),
    ("list.prev", "上一页", "Previous"),
    ("list.total", "共 {n} 条", "{n} in all"),
    ("login.title", "登录", "Log in"),
    ("nav.audit", "审计日志", "Audit log"),
    ("nav.contracts", "签约", "Contracts"),
    ("nav.ecg", "心电网络", "ECG network"),
    ("nav.follow_ups", "随访", "Follow-ups"),
    ("nav.home", "首页", "Home"),
    ("nav.import", "导入", "Import"),
    ("nav.institutions", "机构", "Institutions"),
    ("nav.quality", "两病管理", "Chronic care"),
    ("nav.referrals", "转诊", "Referrals"),
    ("nav.residents", "居民", "Residents"),
    ("nav.screenings", "待确诊", "To confirm"),
    ("nav.staff", "医务人员", "Staff"),
    ("nav.teams", "家医团队", "Family-doctor teams"),
    ("referral.action.accept", "接收", "Accept"),
    ("referral.action.arrive", "登记到院", "Register arrival"),
    ("referral.action.cancel", "撤回", "Withdraw"),
    ("referral.action.complete", "结束", "Complete"),
    ("referral.action.reject", "拒绝", "Reject"),
    ("referral.all", "全部转诊", "All referrals"),
    ("referral.attention", "需关注", "Needs attention"),
    ("referral.breached", "超时", "Over target"),
    ("referral.direction.down", "下转", "Downward"),
    ("referral.direction.up", "上转", "Upward"),
    ("referral.elapsed", "已用时（分钟）", "Elapsed (minutes)"),
    ("referral.green_channel", "绿色通道", "Green channel"),
    ("referral.incoming", "接诊工作台", "Incoming worklist"),
    (
        "referral.median_acceptance",
        "接收中位时间（分钟）",
        "Median time to acceptance (minutes)",
    ),
    (
        "referral.median_door",
        "首诊至入院中位时间（分钟）",
        "Median contact to admission (minutes)",
    ),
    ("referral.milestone.accepted", "接收", "Accepted"),
    (
        "referral.milestone.admitted",
        "入院/开始手术",
        "Admitted / procedure",
    ),
    (
        "referral.milestone.ambulance_departed",
        "救护车出发",
        "Ambulance departed",
    ),
    ("referral.milestone.arrived", "到达", "Arrived"),
    (
        "referral.milestone.first_contact",
        "乡镇首诊",
        "First contact",
    ),
    ("referral.milestone.first_ecg", "首份心电图", "First ECG"),
    (
        "referral.milestone.referral_sent",
        "发出转诊",
        "Referral sent",
    ),
    ("referral.new", "发起转诊", "New referral"),
    ("referral.outcome.closed", "关闭", "Closed"),
    (
        "referral.outcome.follow_up_taken",
        "已纳入随访",
        "Taken into follow-up",
    ),
    (
        "referral.outcome.outpatient_done",
        "门诊完成",
        "Outpatient visit done",
    ),
    (
        "referral.outcome.referred_down",
        "出院下转",
        "Discharged and referred down",
    ),
    ("referral.pathway.chest_pain", "胸痛", "Chest pain"),
    (
        "referral.pathway.critical_maternal",
        "危重孕产妇",
        "Critical maternal",
    ),
    (
        "referral.pathway.critical_neonatal",
        "危重新生儿",
        "Critical neonatal",
    ),
    ("referral.pathway.stroke", "卒中", "Stroke"),
    ("referral.pathway.trauma", "创伤", "Trauma"),
    ("referral.share_within", "达标比例", "Share within target"),
    ("referral.stats", "转诊统计", "Referral figures"),
    ("referral.status.accepted", "已接收", "Accepted"),
    ("referral.status.arrived", "已到院", "Arrived"),
    ("referral.status.cancelled", "已撤回", "Cancelled"),
    ("referral.status.completed", "已完成", "Completed"),
    ("referral.status.rejected", "已拒绝", "Rejected"),
    ("referral.status.requested", "待接收", "Requested"),
    ("referral.target", "目标（分钟）", "Target (minutes)"),
    ("referral.timeline", "时间线", "Timeline"),
    ("referral.title", "双向转诊", "Referrals"),
    ("referral.urgency.emergency", "急诊", "Emergency"),
    ("referral.urgency.routine", "普通", "Routine"),
    ("referral.urgency.urgent", "加急", "Urgent"),
    ("referral.waiting", "等待", "Waiting"),
    ("referral.within", "达标", "Within target"),
    ("residents.all_institutions", "全部机构", "All institutions"),
    (
        "residents.capped",
        "超过 1000 条，请输入更多字缩小范围",
        "more than 1,000: type more to narrow the search",
    ),
    ("residents.new", "新建居民档案", "New resident"),
    (
        "residents.search_placeholder",
        "姓名、拼音首字母或身份证号片段",
        "Name, pinyin initials or part of the ID number",
    ),
    ("residents.title", "居民档案", "Residents"),
    ("role.admin", "系统管理员", "Administrator"),
    ("role.bureau_viewer", "卫健局", "Health bureau"),
    ("role.manager", "医共体管理办", "Community office"),
    ("role.party_secretary", "党组织书记", "Party secretary"),
    ("role.specialist", "县级专家", "County specialist"),
    ("role.township_doctor", "乡镇医生", "Township doctor"),
    ("role.village_doctor", "村医", "Village doctor"),
    (
        "screening.awaiting_decision",
        "已列入待确诊",
        "added to the list to confirm",
    ),
    ("screening.basis", "诊断依据", "Basis"),
    (
        "screening.basis.clinical",
        "医生临床判断",
        "Doctor's assessment",
    ),
    (
        "screening.basis.hospital",
        "上级医院诊断",
        "Hospital diagnosis",
    ),
    (
        "screening.basis.screening",
        "筛查达到诊断标准",
        "Screenings meet the criteria",
    ),
    (
        "screening.biomass_fuel",
        "目前使用煤炉或柴草烹饪、取暖",
        "Cooks or heats with coal or wood now",
    ),
    ("screening.breath.none", "没有气促", "No breathlessness"),
    (
        "screening.breath.on_exertion",
        "平地快走或爬小坡时气促",
        "When hurrying or on a slight hill",
    ),
    (
        "screening.breath.walking",
        "平地正常行走时气促",
        "When walking normally on the level",
    ),
    ("screening.breathlessness", "气促", "Breathlessness"),
    ("screening.condition", "疑似", "Suspected"),
    ("screening.condition.copd", "慢阻肺高危", "COPD high risk"),
    (
        "screening.condition.diabetes",
        "2 型糖尿病",
        "Type 2 diabetes",
    ),
    ("screening.condition.hypertension", "高血压", "Hypertension"),
    ("screening.confirm", "确诊", "Confirm"),
    (
        "screening.confirm_enrol",
        "确诊并纳入管理",
        "Confirm and enrol",
    ),
    ("screening.confirmed", "已确诊", "Diagnosis confirmed"),
    (
        "screening.copd_help",
        "COPD-SQ 问卷：年龄和体质指数由档案和身高体重计算；总分 ≥16 分为慢阻肺高危，建议肺功能检查。",
        "COPD-SQ: age and BMI come from the record and the scale; 16 or more is high risk, spirometry advised.",
    ),
    (
        "screening.copd_sq",
        "慢阻肺筛查问卷（COPD-SQ）",
        "COPD screening questionnaire (COPD-SQ)",
    ),
    (
        "screening.cough",
        "没有感冒时经常咳嗽",
        "Coughs often without a cold",
    ),
    ("screening.date", "筛查日期", "Screening date"),
    (
        "screening.enrolled",
        "已确诊并纳入管理，首次随访在两周内",
        "Confirmed and enrolled; first follow-up within two weeks",
    ),
    ("screening.exclude", "排除", "Exclude"),
    ("screening.excluded", "已排除", "Excluded"),
    (
        "screening.family_history",
        "父母、兄弟姐妹或子女患有哮喘、慢支、肺气肿或慢阻肺",
        "Parent, sibling or child with asthma, chronic bronchitis, emphysema or COPD",
    ),
    (
        "screening.finding.copd_high_risk",
        "慢阻肺高危",
        "COPD high risk",
    ),
    (
        "screening.finding.impaired_fasting_glucose",
        "空腹血糖受损",
        "Impaired fasting glucose",
    ),
    (
        "screening.finding.suspected_diabetes",
        "空腹血糖升高",
        "Raised fasting glucose",
    ),
    (
        "screening.finding.suspected_hypertension",
        "血压升高",
        "Raised blood pressure",
    ),
    ("screening.findings", "结果", "Findings"),
    ("screening.history", "筛查记录", "Screenings so far"),
    ("screening.new", "新筛查", "New screening"),
    ("screening.nothing_found", "未见异常", "nothing abnormal"),
    ("screening.opened_on", "发现日期", "Found on"),
    (
        "screening.pack_years",
        "吸烟量（包年 = 每天包数 × 年数）",
        "Pack-years (packs a day × years)",
    ),
    ("screening.pending", "待确诊", "To confirm"),
    (
        "screening.pending_help",
        "筛查发现异常、尚待本机构医生确诊或排除的居民，最早发现的在前。",
        "Residents whose screening found something, awaiting a doctor's decision here; the oldest first.",
    ),
    ("screening.recorded", "筛查已记录", "Screening recorded"),
    (
        "screening.refer_spirometry",
        "转诊肺功能检查",
        "Refer for spirometry",
    ),
    ("screening.save", "保存筛查", "Save screening"),
    ("screening.spirometry", "需肺功能检查", "Spirometry decides"),
    ("screening.status.confirmed", "已确诊", "Confirmed"),
    ("screening.status.excluded", "已排除", "Excluded"),
    ("screening.status.open", "待确诊", "Awaiting decision"),
    (
        "screening.support",
        "非同日升高次数",
        "Raised on separate days",
    ),
    (
        "screening.support_help",
        "高血压需非同日 3 次、糖尿病需非同日 2 次升高",
        "Hypertension: 3 separate days; diabetes: 2",
    ),
    ("screening.title", "筛查", "Screening"),
    ("screening.waiting", "已等待", "Waiting"),
    ("sex.female", "女", "Female"),
    ("sex.male", "男", "Male"),
    ("staff.title", "医务人员", "Staff"),
    ("status.active", "在用", "Active"),
    ("status.inactive", "已停用", "Inactive"),
    ("title.administrator", "行政管理", "Administrator"),
    ("title.assistant_physician", "医士", "Assistant physician"),
    (
        "title.associate_chief_nurse",
        "副主任护师",
        "Associate chief nurse",
    ),
    (
        "title.associate_chief_pharmacist",
        "副主任药师",
        "Associate chief pharmacist",
    ),
    (
        "title.associate_chief_physician",
        "副主任医师",
        "Associate chief physician",
    ),
    (
        "title.associate_chief_technician",
        "副主任技师",
        "Associate chief technician",
    ),
    (
        "title.attending_physician",
        "主治医师",
        "Attending physician",
    ),
    ("title.chief_nurse", "主任护师", "Chief nurse"),
    ("title.chief_pharmacist", "主任药师", "Chief pharmacist"),
    ("title.chief_physician", "主任医师", "Chief physician"),
    ("title.chief_technician", "主任技师", "Chief technician"),
    ("title.nurse", "护士", "Nurse"),
    ("title.other", "其他", "Other"),
    ("title.pharmacist", "药师", "Pharmacist"),
    (
        "title.public_health_physician",
        "公共卫生医师",
        "Public health physician",
    ),
    ("title.resident_physician", "住院医师", "Resident physician"),
    ("title.senior_nurse", "护师", "Senior nurse"),
    ("title.supervising_nurse", "主管护师", "Supervising nurse"),
    (
        "title.supervising_pharmacist",
        "主管药师",
        "Supervising pharmacist",
    ),
    (
        "title.supervising_technician",
        "主管技师",
        "Supervising technician",
    ),
    ("title.technician", "技师", "Technician"),
    ("title.village_doctor", "乡村医生", "Village doctor"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        for w in CATALOGUE.windows(2) {
            assert!(w[0].0 < w[1].0, "{} must sort before {}", w[0].0, w[1].0);
        }
    }

    #[test]
    fn every_title_role_kind_and_field_error_has_both_languages() {
        let mut keys: Vec<String> = yigong_domain::registry::TITLES
            .iter()
            .map(|t| format!("title.{t}"))
            .collect();
        keys.extend(
            yigong_domain::access::Role::ALL
                .iter()
                .map(|r| format!("role.{}", r.as_str())),
        );
        keys.extend(
            yigong_domain::access::Role::ALL
                .iter()
                .map(|r| format!("home.{}", r.as_str())),
        );
        keys.extend(
            yigong_domain::registry::InstitutionKind::ALL
                .iter()
                .map(|k| format!("kind.{}", k.as_str())),
        );
        for k in keys {
            let (zh, en) = lookup(&k).unwrap_or_else(|| panic!("missing {k}"));
            assert!(!zh.is_empty() && !en.is_empty());
        }
    }

    /// Every field and error code named in the HTTP edge's sources has a label: a
    /// missing one shows as "?" in a message.
    #[test]
    fn every_field_and_error_code_in_the_sources_has_a_label() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("source folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).expect("source"));
                }
            }
        }
        /// The string literal (if any) at argument `arg` of each `call(`.
        fn literals<'a>(text: &'a str, call: &str, arg: usize) -> Vec<&'a str> {
            text.match_indices(call)
                // not a mention inside a string literal (as in this test)
                .filter(|(at, _)| !text[..*at].ends_with('"'))
                .filter_map(|(at, _)| {
                    let args = &text[at + call.len()..];
                    let args = &args[..args.find(')').unwrap_or(args.len())];
                    let a = args.split(',').nth(arg)?.trim();
                    (a.len() > 2 && a.starts_with('"') && a.ends_with('"'))
                        .then(|| &a[1..a.len() - 1])
                })
                .collect()
        }
        let mut texts = vec![];
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut texts,
        );
        let mut missing = vec![];
        // unprocessable(field, code), ApiError::field(status, field, code),
        // ApiError::new(status, code).
        let calls = [
            ("unprocessable(", 0, "field"),
            ("unprocessable(", 1, "error"),
            ("ApiError::field(", 1, "field"),
            ("ApiError::field(", 2, "error"),
            ("ApiError::new(", 1, "error"),
            ("FieldError::new(", 0, "field"),
            ("FieldError::new(", 1, "error"),
        ];
        for text in &texts {
            for (call, arg, kind) in calls {
                for name in literals(text, call, arg) {
                    let key = format!("{kind}.{name}");
                    if lookup(&key).is_none() {
                        missing.push(key);
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "no label for {missing:?}");
    }

    #[test]
    fn codes_read_as_a_list_in_each_language() {
        assert_eq!(
            Lang::Zh.labels("family.group", "elderly,,disabled"),
            "65 岁及以上老年人、残疾人"
        );
        assert_eq!(
            Lang::En.labels("family.group", "elderly,disabled"),
            "Aged 65 and over, Disabled"
        );
        assert_eq!(Lang::Zh.labels("family.group", ""), "");
    }

    #[test]
    fn language_detection() {
        let mut h = HeaderMap::new();
        h.insert("accept-language", "en-US,en;q=0.9".parse().expect("header"));
        assert_eq!(Lang::detect(None, &h), Lang::Zh, "Chinese unless asked");
        h.insert("cookie", "lang=en".parse().expect("header"));
        assert_eq!(Lang::detect(None, &h), Lang::En);
        assert_eq!(Lang::detect(Some("q=1&lang=zh"), &h), Lang::Zh);
    }
}
