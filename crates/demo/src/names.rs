//! Chinese personal names: weighted surnames and given names that follow the fashions
//! of the decade a person was born in.

use crate::rng::{Cumulative, Rng};
use std::sync::OnceLock;
use yigong_domain::identity::Sex;

/// Surnames with weights in hundredths of a percent, roughly the national shares,
/// nudged towards names common in northern Guizhou (穆, 母, 冉, 令狐 ...).
const SURNAMES: &[(&str, u32)] = &[
    ("王", 710),
    ("李", 700),
    ("张", 660),
    ("刘", 540),
    ("陈", 450),
    ("杨", 340),
    ("黄", 210),
    ("赵", 200),
    ("吴", 190),
    ("周", 180),
    ("徐", 150),
    ("孙", 140),
    ("马", 120),
    ("朱", 110),
    ("胡", 110),
    ("郭", 110),
    ("何", 100),
    ("高", 90),
    ("林", 90),
    ("罗", 110),
    ("郑", 80),
    ("梁", 80),
    ("谢", 70),
    ("宋", 60),
    ("唐", 60),
    ("许", 60),
    ("韩", 50),
    ("冯", 50),
    ("邓", 50),
    ("曹", 50),
    ("彭", 50),
    ("曾", 50),
    ("肖", 50),
    ("田", 50),
    ("董", 40),
    ("袁", 60),
    ("潘", 40),
    ("于", 30),
    ("蒋", 40),
    ("蔡", 40),
    ("余", 40),
    ("杜", 40),
    ("叶", 40),
    ("程", 40),
    ("苏", 30),
    ("魏", 30),
    ("吕", 30),
    ("丁", 30),
    ("任", 30),
    ("沈", 30),
    ("姚", 30),
    ("卢", 30),
    ("姜", 30),
    ("崔", 20),
    ("钟", 30),
    ("谭", 30),
    ("陆", 30),
    ("汪", 30),
    ("范", 30),
    ("金", 20),
    ("石", 30),
    ("廖", 30),
    ("贾", 20),
    ("夏", 20),
    ("韦", 20),
    ("付", 20),
    ("方", 20),
    ("白", 20),
    ("邹", 20),
    ("孟", 20),
    ("熊", 20),
    ("秦", 20),
    ("邱", 20),
    ("江", 20),
    ("尹", 20),
    ("薛", 20),
    ("闫", 15),
    ("段", 20),
    ("雷", 20),
    ("侯", 20),
    ("龙", 25),
    ("史", 15),
    ("陶", 20),
    ("黎", 20),
    ("贺", 20),
    ("顾", 15),
    ("毛", 20),
    ("郝", 15),
    ("龚", 25),
    ("邵", 15),
    ("万", 20),
    ("钱", 15),
    ("严", 15),
    ("覃", 15),
    ("武", 15),
    ("戴", 15),
    ("莫", 15),
    ("孔", 15),
    ("向", 20),
    ("汤", 15),
    ("穆", 20),
    ("母", 15),
    ("冉", 20),
    ("游", 15),
    ("敖", 10),
    ("申", 10),
    ("令狐", 8),
    ("欧阳", 3),
    ("司马", 2),
    ("诸葛", 1),
    ("上官", 1),
];

/// Characters commonly placed first in a two-character given name, as a generation
/// name (字辈) shared by brothers and cousins.
const GENERATION: &[&str] = &[
    "德", "正", "永", "光", "明", "开", "先", "仕", "绍", "登", "朝", "世", "国", "家", "兴", "应",
    "学", "文", "廷", "昌", "大", "志", "远", "承", "宗", "继", "振", "安", "庆", "泽",
];

/// Given-name characters by era (born before 1965, 1965–1994, from 1995) and sex.
const MALE_OLD: &[&str] = &[
    "德", "明", "顺", "富", "贵", "华", "国", "强", "林", "福", "财", "元", "发", "光", "荣", "生",
    "成", "昌", "清", "全", "忠", "义", "军", "建", "文", "武", "学", "海", "祥", "兴", "友", "才",
];
const FEMALE_OLD: &[&str] = &[
    "秀", "英", "芬", "兰", "珍", "芳", "群", "琴", "梅", "凤", "桂", "翠", "花", "菊", "云", "莲",
    "玉", "淑", "素", "慧", "霞", "萍", "贞", "娥", "香", "碧", "会", "先",
];
const MALE_MID: &[&str] = &[
    "伟", "勇", "军", "强", "斌", "波", "涛", "平", "辉", "刚", "杰", "鹏", "磊", "超", "明", "飞",
    "峰", "龙", "林", "华", "兵", "俊", "亮", "健", "东", "宏", "江", "洪", "松", "敏", "剑", "勋",
];
const FEMALE_MID: &[&str] = &[
    "丽", "敏", "静", "燕", "艳", "娟", "霞", "玲", "芳", "红", "婷", "莉", "琳", "雪", "梅", "琼",
    "倩", "丹", "洁", "萍", "蓉", "慧", "利", "晓", "春", "露", "佳", "莎",
];
const MALE_NEW: &[&str] = &[
    "浩", "宇", "轩", "睿", "杰", "博", "俊", "鑫", "涛", "子", "梓", "文", "泽", "哲", "晨", "昊",
    "然", "瑞", "铭", "豪", "航", "锦", "宸", "逸", "宁", "帆", "诚", "奕", "煜", "洋", "毅", "彬",
];
const FEMALE_NEW: &[&str] = &[
    "欣", "怡", "涵", "萱", "琪", "佳", "悦", "雨", "思", "婷", "妍", "可", "馨", "彤", "诗", "梦",
    "雪", "颖", "瑶", "雯", "菲", "依", "语", "若", "梓", "晴", "曦", "艺",
];

fn surname_table() -> &'static Cumulative {
    static TABLE: OnceLock<Cumulative> = OnceLock::new();
    TABLE.get_or_init(|| Cumulative::new(SURNAMES.iter().map(|(_, w)| *w)))
}

/// A surname drawn by frequency.
pub fn surname(rng: &mut Rng) -> &'static str {
    SURNAMES[surname_table().draw(rng)].0
}

/// A given name of one or two characters for someone of this sex born in this year.
pub fn given_name(rng: &mut Rng, sex: Sex, birth_year: i32) -> String {
    let chars = match (sex, birth_year) {
        (Sex::Male, ..1965) => MALE_OLD,
        (Sex::Male, 1965..1995) => MALE_MID,
        (Sex::Male, _) => MALE_NEW,
        (Sex::Female, ..1965) => FEMALE_OLD,
        (Sex::Female, 1965..1995) => FEMALE_MID,
        (Sex::Female, _) => FEMALE_NEW,
    };
    // Single-character given names peaked among those born 1970–1995.
    let single = if (1970..1995).contains(&birth_year) {
        30
    } else {
        15
    };
    let last = rng.pick(chars);
    if rng.percent(single) {
        return last.to_string();
    }
    let first = if sex == Sex::Male && birth_year < 1995 && rng.percent(55) {
        rng.pick(GENERATION)
    } else {
        rng.pick(chars)
    };
    if first == last {
        // Reduplicated names (婷婷, 明明) exist, mostly as girls' names; keep a few.
        if sex == Sex::Female && rng.percent(40) {
            return format!("{first}{last}");
        }
        return last.to_string();
    }
    format!("{first}{last}")
}

/// A full name: surname followed by a given name.
pub fn full_name(rng: &mut Rng, sex: Sex, birth_year: i32) -> String {
    let family = surname(rng);
    let given = given_name(rng, sex, birth_year);
    format!("{family}{given}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use yigong_domain::registry::validate_name;

    #[test]
    fn names_are_valid_and_short() {
        let mut rng = Rng::new(3);
        for year in [1930, 1960, 1980, 2010] {
            for sex in [Sex::Male, Sex::Female] {
                for _ in 0..500 {
                    let name = full_name(&mut rng, sex, year);
                    let n = name.chars().count();
                    assert!((2..=4).contains(&n), "{name}");
                    assert_eq!(validate_name(&name).as_deref(), Ok(name.as_str()));
                }
            }
        }
    }

    #[test]
    fn common_surnames_dominate() {
        let mut rng = Rng::new(4);
        let wang = (0..20_000).filter(|_| surname(&mut rng) == "王").count();
        assert!((900..1_900).contains(&wang), "{wang}");
    }
}
