-- Contract packages are stored as codes (family.package.<code> in the message files)
-- instead of their Chinese names. A package typed as free text before there were codes
-- is kept as it was; the pages show it unchanged.
UPDATE family_contracts SET package = CASE package
    WHEN '基础包' THEN 'basic'
    WHEN '重点人群包' THEN 'key_population'
    WHEN '老年人健康包' THEN 'elderly'
    WHEN '慢病管理包' THEN 'chronic'
    WHEN '母婴健康包' THEN 'maternal_child'
    ELSE package END
WHERE package IN ('基础包', '重点人群包', '老年人健康包', '慢病管理包', '母婴健康包');
