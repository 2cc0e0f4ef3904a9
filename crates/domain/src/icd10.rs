//! ICD-10 (国际疾病分类) codes common in county referrals, with Chinese names, for the
//! searchable diagnosis picker. A curated subset: any valid-looking code is accepted.

/// (code, Chinese name), sorted by code.
pub static CODES: &[(&str, &str)] = &[
    ("A15.0", "肺结核，经显微镜下痰检查证实"),
    ("C16.9", "胃恶性肿瘤"),
    ("C22.0", "肝细胞癌"),
    ("C34.9", "支气管或肺恶性肿瘤"),
    ("C50.9", "乳房恶性肿瘤"),
    ("D64.9", "贫血"),
    ("E10.9", "1型糖尿病不伴有并发症"),
    ("E11", "2型糖尿病"),
    ("E11.2", "2型糖尿病伴有肾的并发症"),
    ("E11.4", "2型糖尿病伴有神经的并发症"),
    ("E11.9", "2型糖尿病不伴有并发症"),
    ("E87.1", "低渗透压和低钠血症"),
    ("F20.9", "精神分裂症"),
    ("F32.9", "抑郁发作"),
    ("G40.9", "癫痫"),
    ("G45.9", "短暂性脑缺血发作"),
    ("I10", "原发性高血压"),
    ("I11.9", "高血压性心脏病不伴有心力衰竭"),
    ("I20.0", "不稳定型心绞痛"),
    ("I20.9", "心绞痛"),
    ("I21.0", "前壁急性透壁性心肌梗死"),
    ("I21.1", "下壁急性透壁性心肌梗死"),
    ("I21.2", "其他部位急性透壁性心肌梗死"),
    ("I21.4", "急性心内膜下心肌梗死"),
    ("I21.9", "急性心肌梗死"),
    ("I24.9", "急性缺血性心脏病"),
    ("I25.1", "动脉硬化性心脏病"),
    ("I44.0", "一度房室传导阻滞"),
    ("I44.1", "二度房室传导阻滞"),
    ("I44.2", "三度房室传导阻滞"),
    ("I44.7", "左束支传导阻滞"),
    ("I45.1", "右束支传导阻滞"),
    ("I45.8", "其他特指的传导疾患（长 QT 综合征）"),
    ("I47.1", "室上性心动过速"),
    ("I47.2", "室性心动过速"),
    ("I48.9", "心房颤动和心房扑动"),
    ("I49.0", "心室纤颤和扑动"),
    ("I49.1", "房性期前收缩"),
    ("I49.3", "室性期前收缩"),
    ("I49.5", "病态窦房结综合征"),
    ("I50.9", "心力衰竭"),
    ("I51.7", "心脏扩大"),
    ("I60.9", "蛛网膜下腔出血"),
    ("I61.9", "脑内出血"),
    ("I63.9", "脑梗死"),
    ("I71.0", "主动脉夹层"),
    ("I80.2", "下肢深静脉血栓形成"),
    ("J18.9", "肺炎"),
    ("J44.0", "慢性阻塞性肺病伴有急性下呼吸道感染"),
    ("J44.1", "慢性阻塞性肺病伴有急性加重"),
    ("J45.9", "哮喘"),
    ("J96.0", "急性呼吸衰竭"),
    ("K25.0", "急性胃溃疡伴有出血"),
    ("K35.8", "急性阑尾炎"),
    ("K56.7", "肠梗阻"),
    ("K74.6", "肝硬化"),
    ("K80.2", "胆囊结石不伴有胆囊炎"),
    ("K85.9", "急性胰腺炎"),
    ("K92.2", "胃肠出血"),
    ("M16.9", "髋关节病"),
    ("M17.9", "膝关节病"),
    ("M51.2", "腰椎间盘移位"),
    ("N18.5", "慢性肾脏病 5 期"),
    ("N20.0", "肾结石"),
    ("N39.0", "泌尿道感染"),
    ("O14.1", "重度子痫前期"),
    ("O15.9", "子痫"),
    ("O44.1", "前置胎盘伴有出血"),
    ("O72.1", "产后即刻出血"),
    ("P07.3", "早产儿"),
    ("P22.0", "新生儿呼吸窘迫综合征"),
    ("P59.9", "新生儿黄疸"),
    ("R00.0", "心动过速"),
    ("R00.1", "心动过缓"),
    ("R07.4", "胸痛"),
    ("R55", "晕厥和虚脱"),
    ("R56.8", "惊厥"),
    ("R94.3", "心血管功能检查的异常结果"),
    ("S06.0", "脑震荡"),
    ("S06.5", "创伤性硬膜下出血"),
    ("S22.3", "肋骨骨折"),
    ("S32.0", "腰椎骨折"),
    ("S42.0", "锁骨骨折"),
    ("S52.5", "桡骨下端骨折"),
    ("S72.0", "股骨颈骨折"),
    ("S82.2", "胫骨骨干骨折"),
    ("T14.9", "损伤"),
    ("T60.0", "有机磷和氨基甲酸酯类杀虫剂的毒性效应"),
    ("T63.0", "蛇毒的毒性效应"),
    ("Z48.8", "其他特指的手术后随诊医疗"),
    ("Z51.1", "肿瘤化学治疗疗程"),
];

/// Codes whose code starts with, or whose name contains, the query (at most `limit`).
pub fn search(q: &str, limit: usize) -> Vec<(&'static str, &'static str)> {
    let q = q.trim();
    let upper = q.to_ascii_uppercase();
    CODES
        .iter()
        .filter(|(c, n)| q.is_empty() || c.starts_with(&upper) || n.contains(q))
        .take(limit)
        .copied()
        .collect()
}

/// The Chinese name of a listed code.
pub fn name_of(code: &str) -> Option<&'static str> {
    CODES
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| CODES[i].1)
}

/// Whether a code has the shape of an ICD-10 code: a letter, two digits, optionally `.` and 1–2 more.
pub fn is_well_formed(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() < 3 {
        return false;
    }
    let head = b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && b[2].is_ascii_digit();
    let tail = match &b[3..] {
        [] => true,
        [b'.', rest @ ..] => {
            (1..=2).contains(&rest.len()) && rest.iter().all(|c| c.is_ascii_alphanumeric())
        }
        _ => false,
    };
    head && tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_well_formed() {
        for w in CODES.windows(2) {
            assert!(w[0].0 < w[1].0, "{} < {}", w[0].0, w[1].0);
        }
        assert!(CODES.iter().all(|(c, _)| is_well_formed(c)));
    }

    #[test]
    fn search_by_code_or_name() {
        assert_eq!(search("i21.9", 5), vec![("I21.9", "急性心肌梗死")]);
        assert!(search("心肌梗死", 10).len() >= 4);
        assert_eq!(name_of("R07.4"), Some("胸痛"));
        assert!(!is_well_formed("I2") && !is_well_formed("121.9") && is_well_formed("I10"));
        assert!(
            !is_well_formed("")
                && !is_well_formed("I21.")
                && !is_well_formed("I21.123")
                && !is_well_formed("心肌")
        );
    }
}
