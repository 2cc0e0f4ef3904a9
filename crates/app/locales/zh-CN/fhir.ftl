# The human-readable texts of FHIR resources.
# Message ids are the catalogue keys with "-" for ".".

fhir-blood_pressure = 血压
fhir-chronic_standard = 国家基本公共卫生服务规范（第三版）慢性病患者健康管理
fhir-ecg = 心电图
fhir-ecg_report = 心电图报告
fhir-fasting_glucose = 空腹血糖
fhir-follow_up = 随访
fhir-follow_up_in_person = 面对面随访
fhir-id_card = 居民身份证
fhir-last_controlled = 最近一次随访控制满意
fhir-last_uncontrolled = 最近一次随访控制不满意
fhir-referral = 转诊
