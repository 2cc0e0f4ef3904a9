//! Party building (党建) and the first-secretary programme (第一书记): the rules that need
//! no storage. Organisations and their counted flags, member development with its time
//! guards, dues by bracket, points that never count one event twice, the fund ledger in
//! fen, meeting frequencies, and one engine for every "task with evidence, a status and a
//! score" (activities, star criteria, joint-meeting issues, first-secretary tasks).

pub mod development;
pub mod dues;
pub mod fund;
pub mod joint;
pub mod mobility;
pub mod org;
pub mod points;
pub mod schedule;
pub mod site;
pub mod star;
pub mod work;
