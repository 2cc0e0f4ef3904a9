# The human-readable texts of FHIR resources.
# Message ids are the catalogue keys with "-" for ".".

fhir-blood_pressure = Blood pressure
fhir-chronic_standard = National Basic Public Health Service Standard (3rd edition): chronic disease management
fhir-ecg = ECG
fhir-ecg_report = ECG report
fhir-fasting_glucose = Fasting glucose
fhir-follow_up = Follow-up
fhir-follow_up_in_person = Face-to-face follow-up
fhir-id_card = Resident identity card
fhir-last_controlled = Controlled at the last follow-up
fhir-last_uncontrolled = Not controlled at the last follow-up
fhir-referral = Referral
