//! The institutions of the demo community: the lead hospital, its members, 21 township
//! health centres named after the towns and streets of 仁怀市, their village clinics
//! and the county health bureau.

use crate::DemoInstitution;
use crate::rng::Rng;
use yigong_domain::registry::InstitutionKind;

/// Province and city prefix of every address.
pub const CITY: &str = "贵州省仁怀市";

/// Which staffing and department plan an institution follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Lead,
    Tcm,
    Mch,
    Cdc,
    Township,
    Village,
    Bureau,
}

/// What the generator keeps about an institution beside its public record.
#[derive(Debug, Clone)]
pub struct Site {
    pub plan: Plan,
    /// The town or street (乡镇/街道) the institution lies in.
    pub town: &'static str,
    /// The village, for village clinics.
    pub village: Option<&'static str>,
    /// How many staff the institution employs (village clinics: decided later).
    pub staff: usize,
}

/// A township-level unit: place name, number of village clinics, staff of its centre.
struct Town {
    place: &'static str,
    villages: usize,
    staff: usize,
}

const fn town(place: &'static str, villages: usize, staff: usize) -> Town {
    Town {
        place,
        villages,
        staff,
    }
}

/// The 21 towns and streets; 茅台镇 comes first (the demo accounts rely on it).
const TOWNS: [Town; 21] = [
    town("茅台镇", 14, 30),
    town("坛厂街道", 8, 24),
    town("鲁班街道", 8, 22),
    town("中枢街道", 6, 28),
    town("苍龙街道", 7, 24),
    town("盐津街道", 6, 26),
    town("三合镇", 12, 18),
    town("合马镇", 11, 16),
    town("火石岗乡", 9, 15),
    town("长岗镇", 12, 17),
    town("五马镇", 11, 16),
    town("茅坝镇", 10, 17),
    town("九仓镇", 11, 16),
    town("喜头镇", 10, 15),
    town("大坝镇", 12, 18),
    town("高大坪镇", 11, 18),
    town("美酒河镇", 9, 15),
    town("学孔镇", 10, 15),
    town("后山苗族布依族乡", 8, 15),
    town("二合镇", 9, 16),
    town("龙井镇", 9, 16),
];

/// Village names (without the trailing 村), separated by white space; drawn without
/// replacement, so every village clinic in the county gets a different name.
pub const VILLAGES: &str = "\
    太平 新华 中华 岩滩 龙井 坪坝 黄金 石坎 大湾 水井
    高坎 银滩 红岩 田坝 石桥 团结 桂花 民族 双龙 龙滩
    杨柳 松林 观音 白岩 青杠 柏杨 核桃 梨子 桃园 杉木
    竹林 茶园 枫香 樱桃 金竹 楠木 银杏 兰花 荷花 长坝
    大坪 小坪 中坪 新坪 上坪 下坝 河坝 沙坝 石坝 田湾
    岩湾 沙湾 大田 水田 秧田 龙塘 水塘 石塘 鱼塘 堰塘
    龙洞 仙洞 马鞍 马桑 狮子 象鼻 凤凰 龙凤 龙泉 清泉
    长田 平安 安宁 永安 长安 新安 安乐 和平 幸福 胜利
    光明 红星 红旗 前进 先锋 联合 互助 共和 民主 建设
    向阳 东风 东方 东山 西山 南山 北山 高山 青山 金山
    银山 宝山 尖山 坡头 岩上 河口 沟口 溪口 渡口 坳口
    垭口 关口 三岔 十字 三元 四合 九龙 双河 三河 两河
    大河 小河 清河 白河 窖坝 糟坊 酒坊 红粱 高粱 沙滩
    岩脚 坡脚 山脚 田脚 沟头 岭头 寨头 老寨 新寨 上寨
    中寨 下寨 大寨 小寨 杨家寨 王家坝 张家湾 李家沟
    陈家坪 刘家庄 赵家山 周家岩 吴家坝 何家寨 罗家湾
    黄家坝 杨家山 袁家沟 蒋家岩 龚家坝 穆家寨 冉家坪
    游家湾 母家沟 梅子 李子 柿子 板栗 柑子 枇杷 石榴
    花椒 油菜 荞子 麦地 苞谷 烟坡 茶山 松山 柏林 桐梓
    杜鹃 岩鹰 白鹤 燕子 喜鹊 画眉 龙场 马场 牛场 羊场
    猴场 鸡场 虎场 兔场 茅坡 高坪 岩坪 龙坪 石坪 平坝
    底坝 双坝 中坝 三坝 坝头 黄坪 青坪 大坡 岩坡 松坡
    凉水 冷水 清水 水口 水源 源头 泉水 滴水 飞水 云峰
    云台 云山 天台 天池 天星 月亮 星光 金星 金钟 金鸡
    金盆 金沙 银河 玉河 玉泉 碧水 碧云 紫荆 朝阳 东升
    红光 红阳 新民 新农 新丰 丰收 丰乐 富民 富强 永兴
    永丰 永红 兴隆 兴旺 顺河 顺江";

/// Street names for addresses in the town centres.
pub const ROADS: &[&str] = &[
    "人民路",
    "中山路",
    "解放路",
    "新街",
    "老街",
    "河滨路",
    "环城路",
    "建设路",
    "文化路",
    "团结路",
    "兴隆街",
    "和平路",
    "场镇街",
    "向阳路",
];

/// Name of a township health centre: 卫生院 for towns, 社区卫生服务中心 for streets.
fn centre_name(place: &str) -> String {
    if place.ends_with("街道") {
        format!("{place}社区卫生服务中心")
    } else {
        format!("{place}卫生院")
    }
}

fn push(
    out: &mut (Vec<DemoInstitution>, Vec<Site>),
    institution: DemoInstitution,
    site: Site,
) -> usize {
    out.0.push(institution);
    out.1.push(site);
    out.0.len() - 1
}

/// The county hospitals: (plan, kind, code, name, town, street, staff).
const COUNTY: [(Plan, InstitutionKind, &str, &str, &str, &str, usize); 4] = [
    (
        Plan::Lead,
        InstitutionKind::Lead,
        "LEAD",
        "仁怀市人民医院",
        "中枢街道",
        "中枢街道人民路",
        540,
    ),
    (
        Plan::Tcm,
        InstitutionKind::Member,
        "M-TCM",
        "仁怀市中医院",
        "中枢街道",
        "中枢街道中山路",
        165,
    ),
    (
        Plan::Mch,
        InstitutionKind::Member,
        "M-MCH",
        "仁怀市妇幼保健院",
        "盐津街道",
        "盐津街道建设路",
        120,
    ),
    (
        Plan::Cdc,
        InstitutionKind::Member,
        "M-CDC",
        "仁怀市疾病预防控制中心",
        "苍龙街道",
        "苍龙街道文化路",
        60,
    ),
];

/// Builds every institution in the required order, with its private site record.
pub fn build(rng: &mut Rng) -> (Vec<DemoInstitution>, Vec<Site>) {
    let mut out = (Vec::new(), Vec::new());
    for (plan, kind, code, name, place, street, staff) in COUNTY {
        let number = rng.range(1, 120);
        let parent = (kind == InstitutionKind::Member).then_some(0);
        push(
            &mut out,
            DemoInstitution {
                parent,
                kind,
                code: code.to_string(),
                name: name.to_string(),
                address: format!("{CITY}{street}{number}号"),
            },
            Site {
                plan,
                town: place,
                village: None,
                staff,
            },
        );
    }

    townships(rng, &mut out);

    push(
        &mut out,
        DemoInstitution {
            parent: None,
            kind: InstitutionKind::Bureau,
            code: "BUREAU".to_string(),
            name: "仁怀市卫生健康局".to_string(),
            address: format!("{CITY}中枢街道行政中心"),
        },
        Site {
            plan: Plan::Bureau,
            town: "中枢街道",
            village: None,
            staff: 8,
        },
    );
    out
}

/// The township health centres, each with its village clinics.
fn townships(rng: &mut Rng, out: &mut (Vec<DemoInstitution>, Vec<Site>)) {
    let mut names: Vec<&'static str> = VILLAGES.split_whitespace().collect();
    rng.shuffle(&mut names);
    let mut names = names.into_iter();
    for (t, town) in TOWNS.iter().enumerate() {
        let road = rng.pick(ROADS);
        let number = rng.range(1, 200);
        let township = push(
            out,
            DemoInstitution {
                parent: Some(0),
                kind: InstitutionKind::Township,
                code: format!("T{:02}", t + 1),
                name: centre_name(town.place),
                address: format!("{CITY}{}{road}{number}号", town.place),
            },
            Site {
                plan: Plan::Township,
                town: town.place,
                village: None,
                staff: town.staff,
            },
        );
        for v in 0..town.villages {
            let Some(village) = names.next() else {
                break;
            };
            let group = rng.range(1, 9);
            push(
                out,
                DemoInstitution {
                    parent: Some(township),
                    kind: InstitutionKind::Village,
                    code: format!("T{:02}-V{:02}", t + 1, v + 1),
                    name: format!("{village}村卫生室"),
                    address: format!("{CITY}{}{village}村{group}组", town.place),
                },
                Site {
                    plan: Plan::Village,
                    town: town.place,
                    village: Some(village),
                    staff: 0,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn village_names_are_distinct_and_suffice() {
        let all: Vec<&str> = VILLAGES.split_whitespace().collect();
        let distinct: HashSet<&str> = all.iter().copied().collect();
        assert_eq!(distinct.len(), all.len());
        let needed: usize = TOWNS.iter().map(|t| t.villages).sum();
        assert!(all.len() >= needed, "{} < {needed}", all.len());
        let towns: HashSet<&str> = TOWNS.iter().map(|t| t.place).collect();
        assert_eq!(towns.len(), 21);
        assert!(TOWNS.iter().all(|t| (6..=14).contains(&t.villages)));
    }
}
