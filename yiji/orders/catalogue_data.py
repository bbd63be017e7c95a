"""The demo exam catalogue: real items of an imaging, ultrasound and ECG department."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CatalogueItem:
    code: str  # unique, e.g. "CT-HEAD-P"
    name: str  # Chinese name as on the hospital's price list, e.g. "头颅CT平扫"
    name_en: str  # English name, e.g. "CT head, plain"
    department: str  # "RAD" (imaging), "US" (ultrasound) or "ECG"
    modality: str  # one of: DR, CR, CT, MR, DSA, MG, RF, US, ECG
    body_part: str  # Chinese, e.g. "头颅"
    body_part_en: str  # English, e.g. "Head"
    duration: int  # room minutes the exam occupies
    price: Decimal  # yuan, public-hospital price list
    preparation: str  # Chinese patient preparation instructions; "" if none
    preparation_en: str  # the same in English; "" if none
    needs_appointment: bool = False  # SCH-1: booked in advance (special contrast, CTA, ...)
    fasting: bool = False  # SCH-3: fasting ultrasound items; fasting contrast exams
    non_fasting_us: bool = False  # SCH-4: non-fasting ultrasound items (US only)
    contrast: str = "none"  # "none", "iv", "oral", "rectal", "intra_cavitary", "intra_arterial"
    important: bool = False  # EXM-1/EXM-2: important and special exams
    radiation: bool = False  # EXM-4: DR, CR, CT, DSA, MG, RF
    exercise: bool = False  # EXM-7: exercise (treadmill) ECG only


ITEMS: tuple[CatalogueItem, ...] = (
    # Imaging (医学影像科): DR
    CatalogueItem(
        "DR-CHEST-PA", "胸部正位DR摄影", "DR chest, PA", "RAD", "DR", "胸部", "Chest", 5,
        Decimal("70.00"),
        "去除胸前金属物品及饰物。",
        "Remove metal objects and jewellery from the chest.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-CHEST-PALAT", "胸部正侧位DR摄影", "DR chest, PA and lateral",
        "RAD", "DR", "胸部", "Chest", 5,
        Decimal("120.00"),
        "去除胸前金属物品及饰物。",
        "Remove metal objects and jewellery from the chest.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-CHEST-BED", "床旁胸部DR摄影", "DR chest, bedside (portable)",
        "RAD", "DR", "胸部", "Chest", 15,
        Decimal("110.00"),
        "去除胸前可移除的金属物品及导联线；医护人员协助摆位；陪护人员离开或穿戴防护用品。",
        "Remove removable metal and leads from the chest; nursing staff help with positioning; "
        "companions leave or wear protective aprons.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-RIBS", "肋骨斜位DR摄影", "DR ribs, oblique", "RAD", "DR", "肋骨", "Ribs", 5,
        Decimal("120.00"),
        "去除胸前金属物品及饰物。",
        "Remove metal objects and jewellery from the chest.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-STERNUM", "胸骨侧位DR摄影", "DR sternum, lateral", "RAD", "DR", "胸骨", "Sternum", 5,
        Decimal("65.00"),
        "去除胸前金属物品及饰物。",
        "Remove metal objects and jewellery from the chest.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-SKULL", "头颅正侧位DR摄影", "DR skull, AP and lateral", "RAD", "DR", "头颅", "Skull", 5,
        Decimal("120.00"),
        "去除发夹、耳环、项链、活动义齿等金属物品。",
        "Remove hairpins, earrings, necklaces, removable dentures and other metal objects.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-SINUS", "鼻窦华氏位DR摄影", "DR paranasal sinuses, Waters view",
        "RAD", "DR", "鼻窦", "Paranasal sinuses", 5,
        Decimal("65.00"),
        "去除发夹、耳环、项链、活动义齿等金属物品。",
        "Remove hairpins, earrings, necklaces, removable dentures and other metal objects.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-NASAL", "鼻骨侧位DR摄影", "DR nasal bones, lateral",
        "RAD", "DR", "鼻骨", "Nasal bones", 5,
        Decimal("65.00"),
        "去除发夹、耳环、项链、活动义齿等金属物品。",
        "Remove hairpins, earrings, necklaces, removable dentures and other metal objects.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-CSPINE", "颈椎正侧位DR摄影", "DR cervical spine, AP and lateral",
        "RAD", "DR", "颈椎", "Cervical spine", 5,
        Decimal("120.00"),
        "去除项链、耳环、发夹等颈部及头部金属物品。",
        "Remove necklaces, earrings, hairpins and other metal from the head and neck.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-CSPINE-4V", "颈椎正侧双斜位DR摄影", "DR cervical spine, AP, lateral and both obliques",
        "RAD", "DR", "颈椎", "Cervical spine", 10,
        Decimal("230.00"),
        "去除项链、耳环、发夹等颈部及头部金属物品。",
        "Remove necklaces, earrings, hairpins and other metal from the head and neck.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-CSPINE-OM", "颈椎张口位DR摄影", "DR cervical spine, open-mouth (odontoid) view",
        "RAD", "DR", "颈椎", "Cervical spine", 5,
        Decimal("65.00"),
        "去除项链、耳环、发夹等颈部及头部金属物品。",
        "Remove necklaces, earrings, hairpins and other metal from the head and neck.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-TSPINE", "胸椎正侧位DR摄影", "DR thoracic spine, AP and lateral",
        "RAD", "DR", "胸椎", "Thoracic spine", 5,
        Decimal("120.00"),
        "去除腰腹部及背部金属物品（含腰带、带金属扣的内衣）；育龄女性请告知是否怀孕。",
        "Remove metal from the back, waist and abdomen (belts, underwear with metal clasps). "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-LSPINE", "腰椎正侧位DR摄影", "DR lumbar spine, AP and lateral",
        "RAD", "DR", "腰椎", "Lumbar spine", 5,
        Decimal("120.00"),
        "去除腰腹部及背部金属物品（含腰带、带金属扣的内衣）；育龄女性请告知是否怀孕。",
        "Remove metal from the back, waist and abdomen (belts, underwear with metal clasps). "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-LSPINE-FX", "腰椎过伸过屈功能位DR摄影", "DR lumbar spine, flexion and extension views",
        "RAD", "DR", "腰椎", "Lumbar spine", 10,
        Decimal("120.00"),
        "去除腰腹部及背部金属物品（含腰带、带金属扣的内衣）；育龄女性请告知是否怀孕。",
        "Remove metal from the back, waist and abdomen (belts, underwear with metal clasps). "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-SACRUM", "骶尾椎正侧位DR摄影", "DR sacrum and coccyx, AP and lateral",
        "RAD", "DR", "骶尾椎", "Sacrum and coccyx", 5,
        Decimal("120.00"),
        "去除腰腹部及背部金属物品（含腰带、带金属扣的内衣）；育龄女性请告知是否怀孕。",
        "Remove metal from the back, waist and abdomen (belts, underwear with metal clasps). "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-WHOLESPINE", "全脊柱正侧位DR摄影（拼接）", "DR whole spine, AP and lateral (stitched)",
        "RAD", "DR", "全脊柱", "Whole spine", 10,
        Decimal("300.00"),
        "去除腰腹部及背部金属物品（含腰带、带金属扣的内衣）；育龄女性请告知是否怀孕。",
        "Remove metal from the back, waist and abdomen (belts, underwear with metal clasps). "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-PELVIS", "骨盆正位DR摄影", "DR pelvis, AP", "RAD", "DR", "骨盆", "Pelvis", 5,
        Decimal("70.00"),
        "去除腰腹部及背部金属物品（含腰带、带金属扣的内衣）；育龄女性请告知是否怀孕。",
        "Remove metal from the back, waist and abdomen (belts, underwear with metal clasps). "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-HIP", "髋关节正侧位DR摄影", "DR hip joint, AP and lateral",
        "RAD", "DR", "髋关节", "Hip joint", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物；育龄女性请告知是否怀孕。",
        "Remove metal objects and jewellery from the examined area. Women of child-bearing age: "
        "tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-SHOULDER", "肩关节正位DR摄影", "DR shoulder joint, AP",
        "RAD", "DR", "肩关节", "Shoulder joint", 5,
        Decimal("70.00"),
        "去除检查部位金属物品及饰物；育龄女性请告知是否怀孕。",
        "Remove metal objects and jewellery from the examined area. Women of child-bearing age: "
        "tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-CLAVICLE", "锁骨正位DR摄影", "DR clavicle, AP", "RAD", "DR", "锁骨", "Clavicle", 5,
        Decimal("65.00"),
        "去除检查部位金属物品及饰物；育龄女性请告知是否怀孕。",
        "Remove metal objects and jewellery from the examined area. Women of child-bearing age: "
        "tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-HUMERUS", "肱骨正侧位DR摄影", "DR humerus, AP and lateral",
        "RAD", "DR", "肱骨", "Humerus", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-ELBOW", "肘关节正侧位DR摄影", "DR elbow joint, AP and lateral",
        "RAD", "DR", "肘关节", "Elbow joint", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-FOREARM", "尺桡骨正侧位DR摄影", "DR forearm (radius and ulna), AP and lateral",
        "RAD", "DR", "尺桡骨", "Forearm", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-WRIST", "腕关节正侧位DR摄影", "DR wrist joint, AP and lateral",
        "RAD", "DR", "腕关节", "Wrist joint", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-HAND", "手正斜位DR摄影", "DR hand, PA and oblique", "RAD", "DR", "手", "Hand", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-BONEAGE", "骨龄测定（左手腕正位）DR摄影", "DR bone age (left hand and wrist, PA)",
        "RAD", "DR", "手腕", "Hand and wrist", 5,
        Decimal("80.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-FEMUR", "股骨正侧位DR摄影", "DR femur, AP and lateral", "RAD", "DR", "股骨", "Femur", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-KNEE", "膝关节正侧位DR摄影", "DR knee joint, AP and lateral",
        "RAD", "DR", "膝关节", "Knee joint", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-TIBFIB", "胫腓骨正侧位DR摄影", "DR tibia and fibula, AP and lateral",
        "RAD", "DR", "胫腓骨", "Lower leg", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-ANKLE", "踝关节正侧位DR摄影", "DR ankle joint, AP and lateral",
        "RAD", "DR", "踝关节", "Ankle joint", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-FOOT", "足正斜位DR摄影", "DR foot, AP and oblique", "RAD", "DR", "足", "Foot", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-CALCANEUS", "跟骨侧轴位DR摄影", "DR calcaneus, lateral and axial",
        "RAD", "DR", "跟骨", "Calcaneus", 5,
        Decimal("120.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-LL-FULL", "双下肢全长正位DR摄影（拼接）", "DR full-length lower limbs, AP (stitched)",
        "RAD", "DR", "双下肢", "Both lower limbs", 10,
        Decimal("300.00"),
        "去除腰腹部及背部金属物品（含腰带、带金属扣的内衣）；育龄女性请告知是否怀孕。",
        "Remove metal from the back, waist and abdomen (belts, underwear with metal clasps). "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-ABD-ERECT", "立位腹部平片DR摄影", "DR abdomen, erect",
        "RAD", "DR", "腹部", "Abdomen", 5,
        Decimal("70.00"),
        "去除腰腹部金属物品；能站立者取立位摄片，不能站立者请告知；育龄女性请告知是否怀孕。",
        "Remove metal from waist and abdomen; taken standing if the patient can stand, otherwise "
        "tell staff. Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "DR-KUB", "泌尿系平片（KUB）DR摄影", "DR KUB (kidneys, ureters, bladder)",
        "RAD", "DR", "泌尿系", "Urinary tract", 5,
        Decimal("70.00"),
        "检查前排空大便，必要时前一晚服缓泻剂；去除腰腹部金属物品；一周内未做钡剂检查；"
        "育龄女性请告知是否怀孕。",
        "Empty the bowels before the exam, with a laxative the evening before if needed; remove "
        "metal from waist and abdomen; no barium study within a week. Women of child-bearing age: "
        "tell staff if you may be pregnant.",
        radiation=True,
    ),
    # Imaging: CR
    CatalogueItem(
        "CR-CHEST-PA", "胸部正位CR摄影", "CR chest, PA", "RAD", "CR", "胸部", "Chest", 5,
        Decimal("60.00"),
        "去除胸前金属物品及饰物。",
        "Remove metal objects and jewellery from the chest.",
        radiation=True,
    ),
    CatalogueItem(
        "CR-CHEST-BED", "床旁胸部CR摄影", "CR chest, bedside (portable)",
        "RAD", "CR", "胸部", "Chest", 15,
        Decimal("100.00"),
        "去除胸前可移除的金属物品及导联线；医护人员协助摆位；陪护人员离开或穿戴防护用品。",
        "Remove removable metal and leads from the chest; nursing staff help with positioning; "
        "companions leave or wear protective aprons.",
        radiation=True,
    ),
    CatalogueItem(
        "CR-ABD-BED", "床旁腹部CR摄影", "CR abdomen, bedside (portable)",
        "RAD", "CR", "腹部", "Abdomen", 15,
        Decimal("100.00"),
        "去除胸前可移除的金属物品及导联线；医护人员协助摆位；陪护人员离开或穿戴防护用品。",
        "Remove removable metal and leads from the chest; nursing staff help with positioning; "
        "companions leave or wear protective aprons.",
        radiation=True,
    ),
    CatalogueItem(
        "CR-LIMB", "四肢关节正侧位CR摄影", "CR limb joint, AP and lateral",
        "RAD", "CR", "四肢关节", "Limb joint", 5,
        Decimal("100.00"),
        "去除检查部位金属物品及饰物（手表、手镯、戒指等）；石膏固定者请告知。",
        "Remove metal and jewellery (watch, bracelet, rings) from the examined limb; tell staff "
        "if a plaster cast is on.",
        radiation=True,
    ),
    # Imaging: CT plain
    CatalogueItem(
        "CT-HEAD-P", "头颅CT平扫", "CT head, plain", "RAD", "CT", "头颅", "Head", 10,
        Decimal("180.00"),
        "去除发夹、耳环、活动义齿等头颈部金属物品；检查时头部保持不动；携带既往片子。",
        "Remove hairpins, earrings, removable dentures and other metal from head and neck; keep "
        "the head still; bring previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-SINUS-P", "鼻窦CT平扫", "CT paranasal sinuses, plain",
        "RAD", "CT", "鼻窦", "Paranasal sinuses", 10,
        Decimal("200.00"),
        "去除发夹、耳环、活动义齿等头颈部金属物品；检查时头部保持不动；携带既往片子。",
        "Remove hairpins, earrings, removable dentures and other metal from head and neck; keep "
        "the head still; bring previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-ORBIT-P", "眼眶CT平扫", "CT orbits, plain", "RAD", "CT", "眼眶", "Orbits", 10,
        Decimal("200.00"),
        "去除发夹、耳环、活动义齿等头颈部金属物品；检查时头部保持不动；携带既往片子。",
        "Remove hairpins, earrings, removable dentures and other metal from head and neck; keep "
        "the head still; bring previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-TEMPORAL-P", "颞骨高分辨CT平扫", "CT temporal bones, high-resolution, plain",
        "RAD", "CT", "颞骨", "Temporal bones", 10,
        Decimal("260.00"),
        "去除发夹、耳环、活动义齿等头颈部金属物品；检查时头部保持不动；携带既往片子。",
        "Remove hairpins, earrings, removable dentures and other metal from head and neck; keep "
        "the head still; bring previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-NECK-P", "颈部CT平扫", "CT neck, plain", "RAD", "CT", "颈部", "Neck", 10,
        Decimal("220.00"),
        "去除检查部位金属物品；检查时保持不动；携带既往片子；育龄女性请告知是否怀孕。",
        "Remove metal from the examined area; keep still during the scan; bring previous films. "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-CHEST-P", "胸部CT平扫", "CT chest, plain", "RAD", "CT", "胸部", "Chest", 10,
        Decimal("260.00"),
        "去除胸前金属物品及饰物；按指令练习屏气；携带既往片子。",
        "Remove metal and jewellery from the chest; practise breath-holding on command; bring "
        "previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-CHEST-LD", "胸部低剂量CT平扫（肺癌筛查）", "CT chest, low-dose screening",
        "RAD", "CT", "胸部", "Chest", 10,
        Decimal("200.00"),
        "去除胸前金属物品及饰物；按指令练习屏气；携带既往片子。",
        "Remove metal and jewellery from the chest; practise breath-holding on command; bring "
        "previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-UABD-P", "上腹部CT平扫", "CT upper abdomen, plain",
        "RAD", "CT", "上腹部", "Upper abdomen", 10,
        Decimal("260.00"),
        "检查前禁食4-6小时；检查前30分钟饮水500-800毫升；一周内未做钡餐检查；去除腰腹部金属物品；"
        "携带既往片子。",
        "Fast 4-6 hours; drink 500-800 ml of water 30 minutes before the scan; no barium study "
        "within a week; remove metal from waist and abdomen; bring previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-ABD-P", "全腹部CT平扫", "CT whole abdomen, plain",
        "RAD", "CT", "全腹部", "Whole abdomen", 10,
        Decimal("420.00"),
        "检查前禁食4-6小时；检查前30分钟饮水500-800毫升；一周内未做钡餐检查；去除腰腹部金属物品；"
        "携带既往片子。",
        "Fast 4-6 hours; drink 500-800 ml of water 30 minutes before the scan; no barium study "
        "within a week; remove metal from waist and abdomen; bring previous films.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-PELVIS-P", "盆腔CT平扫", "CT pelvis, plain", "RAD", "CT", "盆腔", "Pelvis", 10,
        Decimal("260.00"),
        "检查前禁食4小时；检查前1-2小时分次饮水800-1000毫升，憋尿使膀胱充盈；一周内未做钡餐检查；"
        "去除腰腹部金属物品；育龄女性请告知是否怀孕。",
        "Fast 4 hours; drink 800-1000 ml of water over the 1-2 hours before and keep the bladder "
        "full; no barium study within a week; remove metal from waist and abdomen. Women of "
        "child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-URO-P", "泌尿系CT平扫", "CT urinary tract (stone protocol), plain",
        "RAD", "CT", "泌尿系", "Urinary tract", 10,
        Decimal("300.00"),
        "检查前饮水300-500毫升，适度充盈膀胱；去除腰腹部金属物品；育龄女性请告知是否怀孕。",
        "Drink 300-500 ml of water to fill the bladder moderately; remove metal from waist and "
        "abdomen. Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-CSPINE-P", "颈椎CT平扫", "CT cervical spine, plain",
        "RAD", "CT", "颈椎", "Cervical spine", 10,
        Decimal("220.00"),
        "去除检查部位金属物品；检查时保持不动；携带既往片子；育龄女性请告知是否怀孕。",
        "Remove metal from the examined area; keep still during the scan; bring previous films. "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-TSPINE-P", "胸椎CT平扫", "CT thoracic spine, plain",
        "RAD", "CT", "胸椎", "Thoracic spine", 10,
        Decimal("220.00"),
        "去除检查部位金属物品；检查时保持不动；携带既往片子；育龄女性请告知是否怀孕。",
        "Remove metal from the examined area; keep still during the scan; bring previous films. "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-LSPINE-P", "腰椎CT平扫", "CT lumbar spine, plain",
        "RAD", "CT", "腰椎", "Lumbar spine", 10,
        Decimal("220.00"),
        "去除检查部位金属物品；检查时保持不动；携带既往片子；育龄女性请告知是否怀孕。",
        "Remove metal from the examined area; keep still during the scan; bring previous films. "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-KNEE-P", "膝关节CT平扫", "CT knee joint, plain",
        "RAD", "CT", "膝关节", "Knee joint", 10,
        Decimal("200.00"),
        "去除检查部位金属物品；检查时保持不动；携带既往片子；育龄女性请告知是否怀孕。",
        "Remove metal from the examined area; keep still during the scan; bring previous films. "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-ANKLE-P", "踝关节CT平扫", "CT ankle joint, plain",
        "RAD", "CT", "踝关节", "Ankle joint", 10,
        Decimal("200.00"),
        "去除检查部位金属物品；检查时保持不动；携带既往片子；育龄女性请告知是否怀孕。",
        "Remove metal from the examined area; keep still during the scan; bring previous films. "
        "Women of child-bearing age: tell staff if you may be pregnant.",
        radiation=True,
    ),
    CatalogueItem(
        "CT-CASCORE", "冠状动脉钙化积分CT", "CT coronary calcium score",
        "RAD", "CT", "心脏", "Heart", 10,
        Decimal("220.00"),
        "去除胸前金属物品及饰物；按指令练习屏气；携带既往片子。",
        "Remove metal and jewellery from the chest; practise breath-holding on command; bring "
        "previous films.",
        radiation=True,
    ),
    # Imaging: CT enhanced
    CatalogueItem(
        "CT-HEAD-E", "头颅CT平扫+增强", "CT head, plain and enhanced",
        "RAD", "CT", "头颅", "Head", 15,
        Decimal("420.00"),
        "检查前禁食4小时；去除头颈部金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from head and neck. Questions on iodinated contrast allergy, "
        "hyperthyroidism and asthma; bring a recent renal function (creatinine) result; come with "
        "a relative; stay 30 minutes for observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-NECK-E", "颈部CT平扫+增强", "CT neck, plain and enhanced",
        "RAD", "CT", "颈部", "Neck", 15,
        Decimal("480.00"),
        "检查前禁食4小时；去除项链、耳环等颈部金属物品；检查时勿做吞咽动作；"
        "询问碘对比剂过敏史及甲亢、哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；"
        "检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove necklaces, earrings and other metal from the neck; do not swallow "
        "during the scan. Questions on iodinated contrast allergy, hyperthyroidism and asthma; "
        "bring a recent renal function (creatinine) result; come with a relative; stay 30 minutes "
        "for observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-CHEST-E", "胸部CT平扫+增强", "CT chest, plain and enhanced",
        "RAD", "CT", "胸部", "Chest", 15,
        Decimal("480.00"),
        "检查前禁食4小时；去除胸前金属物品；练习屏气；携带既往片子；询问碘对比剂过敏史及甲亢、"
        "哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the chest; practise breath-holding; bring previous "
        "films. Questions on iodinated contrast allergy, hyperthyroidism and asthma; bring a "
        "recent renal function (creatinine) result; come with a relative; stay 30 minutes for "
        "observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-UABD-E", "上腹部CT平扫+增强（三期）", "CT upper abdomen, plain and triphasic enhanced",
        "RAD", "CT", "上腹部", "Upper abdomen", 15,
        Decimal("560.00"),
        "检查前禁食4-6小时；检查前30分钟饮水500-800毫升；一周内未做钡餐检查；"
        "询问碘对比剂过敏史及甲亢、哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；"
        "检查后留观30分钟并多饮水。",
        "Fast 4-6 hours; drink 500-800 ml of water 30 minutes before; no barium study within a "
        "week. Questions on iodinated contrast allergy, hyperthyroidism and asthma; bring a "
        "recent renal function (creatinine) result; come with a relative; stay 30 minutes for "
        "observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-ABD-E", "全腹部CT平扫+增强", "CT whole abdomen, plain and enhanced",
        "RAD", "CT", "全腹部", "Whole abdomen", 20,
        Decimal("880.00"),
        "检查前禁食4-6小时；检查前30分钟饮水500-800毫升；一周内未做钡餐检查；"
        "询问碘对比剂过敏史及甲亢、哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；"
        "检查后留观30分钟并多饮水。",
        "Fast 4-6 hours; drink 500-800 ml of water 30 minutes before; no barium study within a "
        "week. Questions on iodinated contrast allergy, hyperthyroidism and asthma; bring a "
        "recent renal function (creatinine) result; come with a relative; stay 30 minutes for "
        "observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-PELVIS-E", "盆腔CT平扫+增强", "CT pelvis, plain and enhanced",
        "RAD", "CT", "盆腔", "Pelvis", 15,
        Decimal("500.00"),
        "检查前禁食4小时；检查前1-2小时饮水800-1000毫升，憋尿使膀胱充盈；一周内未做钡餐检查；"
        "询问碘对比剂过敏史及甲亢、哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；"
        "检查后留观30分钟并多饮水。",
        "Fast 4 hours; drink 800-1000 ml of water over the 1-2 hours before and keep the bladder "
        "full; no barium study within a week. Questions on iodinated contrast allergy, "
        "hyperthyroidism and asthma; bring a recent renal function (creatinine) result; come with "
        "a relative; stay 30 minutes for observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-ADRENAL-E", "肾上腺CT平扫+增强", "CT adrenal glands, plain and enhanced",
        "RAD", "CT", "肾上腺", "Adrenal glands", 15,
        Decimal("500.00"),
        "检查前禁食4-6小时；检查前30分钟饮水500-800毫升；一周内未做钡餐检查；"
        "询问碘对比剂过敏史及甲亢、哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；"
        "检查后留观30分钟并多饮水。",
        "Fast 4-6 hours; drink 500-800 ml of water 30 minutes before; no barium study within a "
        "week. Questions on iodinated contrast allergy, hyperthyroidism and asthma; bring a "
        "recent renal function (creatinine) result; come with a relative; stay 30 minutes for "
        "observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-KIDNEY-E", "双肾CT平扫+增强", "CT kidneys, plain and enhanced",
        "RAD", "CT", "双肾", "Kidneys", 15,
        Decimal("500.00"),
        "检查前禁食4-6小时；检查前30分钟饮水500-800毫升；一周内未做钡餐检查；"
        "询问碘对比剂过敏史及甲亢、哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；"
        "检查后留观30分钟并多饮水。",
        "Fast 4-6 hours; drink 500-800 ml of water 30 minutes before; no barium study within a "
        "week. Questions on iodinated contrast allergy, hyperthyroidism and asthma; bring a "
        "recent renal function (creatinine) result; come with a relative; stay 30 minutes for "
        "observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    # Imaging: CT angiography and urography
    CatalogueItem(
        "CTA-HEAD", "头颅CT血管成像（CTA）", "CT angiography, head (intracranial)",
        "RAD", "CT", "头颅", "Head", 15,
        Decimal("900.00"),
        "检查前禁食4小时；去除检查部位金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the examined area. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CTA-NECK", "颈部CT血管成像（CTA）", "CT angiography, neck (carotid and vertebral)",
        "RAD", "CT", "颈部", "Neck", 15,
        Decimal("900.00"),
        "检查前禁食4小时；去除检查部位金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the examined area. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CTA-HEADNECK", "头颈部CT血管成像（CTA）", "CT angiography, head and neck",
        "RAD", "CT", "头颈部", "Head and neck", 15,
        Decimal("1200.00"),
        "检查前禁食4小时；去除检查部位金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the examined area. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CTA-CORONARY", "冠状动脉CT血管成像（CTA）", "CT coronary angiography",
        "RAD", "CT", "心脏", "Heart", 20,
        Decimal("1100.00"),
        "检查前禁食4小时；检查当日禁饮咖啡、浓茶；"
        "心率控制在70次/分以下（必要时遵医嘱服用β受体阻滞剂）；练习屏气；"
        "询问碘对比剂过敏史及甲亢、哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；"
        "检查后留观30分钟并多饮水。",
        "Fast 4 hours; no coffee or strong tea on the day; heart rate below 70/min (beta-blocker "
        "as prescribed if needed); practise breath-holding. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CTA-PULM", "肺动脉CT血管成像（CTPA）", "CT pulmonary angiography",
        "RAD", "CT", "肺动脉", "Pulmonary arteries", 15,
        Decimal("900.00"),
        "检查前禁食4小时；去除检查部位金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the examined area. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CTA-AORTA", "主动脉CT血管成像（CTA）", "CT angiography, aorta (thoracic and abdominal)",
        "RAD", "CT", "主动脉", "Aorta", 15,
        Decimal("1100.00"),
        "检查前禁食4小时；去除检查部位金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the examined area. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CTA-RENAL", "肾动脉CT血管成像（CTA）", "CT angiography, renal arteries",
        "RAD", "CT", "肾动脉", "Renal arteries", 15,
        Decimal("900.00"),
        "检查前禁食4小时；去除检查部位金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the examined area. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CTA-LL", "双下肢动脉CT血管成像（CTA）", "CT angiography, lower-limb arteries",
        "RAD", "CT", "双下肢", "Both lower limbs", 20,
        Decimal("1100.00"),
        "检查前禁食4小时；去除检查部位金属物品；询问碘对比剂过敏史及甲亢、哮喘病史；"
        "携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; remove metal from the examined area. Questions on iodinated contrast "
        "allergy, hyperthyroidism and asthma; bring a recent renal function (creatinine) result; "
        "come with a relative; stay 30 minutes for observation afterwards and drink plenty of "
        "water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "CT-URO-E", "CT尿路造影（CTU）", "CT urography", "RAD", "CT", "泌尿系", "Urinary tract", 20,
        Decimal("900.00"),
        "检查前禁食4小时；检查前饮水500-800毫升；去除腰腹部金属物品；询问碘对比剂过敏史及甲亢、"
        "哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Fast 4 hours; drink 500-800 ml of water before the scan; remove metal from waist and "
        "abdomen. Questions on iodinated contrast allergy, hyperthyroidism and asthma; bring a "
        "recent renal function (creatinine) result; come with a relative; stay 30 minutes for "
        "observation afterwards and drink plenty of water.",
        needs_appointment=True, contrast="iv", important=True, radiation=True,
    ),
    # Imaging: MR plain
    CatalogueItem(
        "MR-BRAIN-P", "头颅MR平扫", "MR brain, plain", "RAD", "MR", "头颅", "Head", 20,
        Decimal("500.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-BRAIN-DWI", "头颅MR平扫+弥散加权成像（DWI）", "MR brain, plain with diffusion (DWI)",
        "RAD", "MR", "头颅", "Head", 25,
        Decimal("600.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-PITUITARY-P", "垂体MR平扫", "MR pituitary, plain", "RAD", "MR", "垂体", "Pituitary", 20,
        Decimal("500.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-IAC-P", "内听道MR平扫", "MR internal auditory canals, plain",
        "RAD", "MR", "内听道", "Internal auditory canals", 20,
        Decimal("500.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-CSPINE-P", "颈椎MR平扫", "MR cervical spine, plain",
        "RAD", "MR", "颈椎", "Cervical spine", 20,
        Decimal("500.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-TSPINE-P", "胸椎MR平扫", "MR thoracic spine, plain",
        "RAD", "MR", "胸椎", "Thoracic spine", 20,
        Decimal("500.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-LSPINE-P", "腰椎MR平扫", "MR lumbar spine, plain",
        "RAD", "MR", "腰椎", "Lumbar spine", 20,
        Decimal("500.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-SHOULDER-P", "肩关节MR平扫", "MR shoulder joint, plain",
        "RAD", "MR", "肩关节", "Shoulder joint", 25,
        Decimal("550.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-HIP-P", "双髋关节MR平扫", "MR both hip joints, plain",
        "RAD", "MR", "髋关节", "Hip joints", 25,
        Decimal("550.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-KNEE-P", "膝关节MR平扫", "MR knee joint, plain",
        "RAD", "MR", "膝关节", "Knee joint", 20,
        Decimal("550.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-ANKLE-P", "踝关节MR平扫", "MR ankle joint, plain",
        "RAD", "MR", "踝关节", "Ankle joint", 20,
        Decimal("550.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
    ),
    CatalogueItem(
        "MR-LIVER-P", "肝脏MR平扫", "MR liver, plain", "RAD", "MR", "肝脏", "Liver", 25,
        Decimal("550.00"),
        "检查前禁食禁水4-6小时；练习屏气；去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、"
        "人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Fast (no food or drink) 4-6 hours; practise breath-holding. Remove all metal objects, "
        "phone, magnetic cards and watch; declare pacemakers, cochlear implants, metal implants "
        "or aneurysm clips beforehand; mention claustrophobia; bring previous films.",
    ),
    CatalogueItem(
        "MR-PELVIS-P", "盆腔MR平扫", "MR pelvis, plain", "RAD", "MR", "盆腔", "Pelvis", 25,
        Decimal("550.00"),
        "检查前适度充盈膀胱；体内有金属节育环者须告知；去除所有金属物品、手机、磁卡、手表；"
        "体内有心脏起搏器、人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；"
        "携带既往片子。",
        "Moderately full bladder; declare a metal intrauterine device. Remove all metal objects, "
        "phone, magnetic cards and watch; declare pacemakers, cochlear implants, metal implants "
        "or aneurysm clips beforehand; mention claustrophobia; bring previous films.",
    ),
    # Imaging: MR plain and enhanced
    CatalogueItem(
        "MR-BRAIN-E", "头颅MR平扫+增强", "MR brain, plain and enhanced",
        "RAD", "MR", "头颅", "Head", 35,
        Decimal("1000.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-PITUITARY-E", "垂体MR平扫+动态增强", "MR pituitary, plain and dynamic enhanced",
        "RAD", "MR", "垂体", "Pituitary", 35,
        Decimal("1100.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-IAC-E", "内听道MR平扫+增强", "MR internal auditory canals, plain and enhanced",
        "RAD", "MR", "内听道", "Internal auditory canals", 35,
        Decimal("1000.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-CSPINE-E", "颈椎MR平扫+增强", "MR cervical spine, plain and enhanced",
        "RAD", "MR", "颈椎", "Cervical spine", 35,
        Decimal("1000.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-TSPINE-E", "胸椎MR平扫+增强", "MR thoracic spine, plain and enhanced",
        "RAD", "MR", "胸椎", "Thoracic spine", 35,
        Decimal("1000.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-LSPINE-E", "腰椎MR平扫+增强", "MR lumbar spine, plain and enhanced",
        "RAD", "MR", "腰椎", "Lumbar spine", 35,
        Decimal("1000.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-SHOULDER-E", "肩关节MR平扫+增强", "MR shoulder joint, plain and enhanced",
        "RAD", "MR", "肩关节", "Shoulder joint", 35,
        Decimal("1050.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-HIP-E", "双髋关节MR平扫+增强", "MR both hip joints, plain and enhanced",
        "RAD", "MR", "髋关节", "Hip joints", 35,
        Decimal("1050.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-KNEE-E", "膝关节MR平扫+增强", "MR knee joint, plain and enhanced",
        "RAD", "MR", "膝关节", "Knee joint", 35,
        Decimal("1050.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films. Questions on gadolinium contrast allergy; bring a recent renal function "
        "result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-LIVER-E", "肝脏MR平扫+动态增强", "MR liver, plain and dynamic enhanced",
        "RAD", "MR", "肝脏", "Liver", 40,
        Decimal("1100.00"),
        "检查前禁食禁水4-6小时；练习屏气；去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、"
        "人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Fast (no food or drink) 4-6 hours; practise breath-holding. Remove all metal objects, "
        "phone, magnetic cards and watch; declare pacemakers, cochlear implants, metal implants "
        "or aneurysm clips beforehand; mention claustrophobia; bring previous films. Questions on "
        "gadolinium contrast allergy; bring a recent renal function result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-PELVIS-E", "盆腔MR平扫+增强", "MR pelvis, plain and enhanced",
        "RAD", "MR", "盆腔", "Pelvis", 40,
        Decimal("1100.00"),
        "检查前适度充盈膀胱；体内有金属节育环者须告知；去除所有金属物品、手机、磁卡、手表；"
        "体内有心脏起搏器、人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；"
        "携带既往片子。询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Moderately full bladder; declare a metal intrauterine device. Remove all metal objects, "
        "phone, magnetic cards and watch; declare pacemakers, cochlear implants, metal implants "
        "or aneurysm clips beforehand; mention claustrophobia; bring previous films. Questions on "
        "gadolinium contrast allergy; bring a recent renal function result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-PROSTATE-MP", "前列腺多参数MR（平扫+DWI+动态增强）",
        "MR prostate, multiparametric (plain, DWI, dynamic enhanced)",
        "RAD", "MR", "前列腺", "Prostate", 40,
        Decimal("1200.00"),
        "检查前排空直肠（必要时清洁灌肠），适度充盈膀胱；去除所有金属物品、手机、磁卡、手表；"
        "体内有心脏起搏器、人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；"
        "携带既往片子。询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Empty the rectum (cleansing enema if needed); moderately full bladder. Remove all metal "
        "objects, phone, magnetic cards and watch; declare pacemakers, cochlear implants, metal "
        "implants or aneurysm clips beforehand; mention claustrophobia; bring previous films. "
        "Questions on gadolinium contrast allergy; bring a recent renal function result; come "
        "with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "MR-BREAST-E", "乳腺MR平扫+动态增强", "MR breasts, plain and dynamic enhanced",
        "RAD", "MR", "乳腺", "Breasts", 40,
        Decimal("1200.00"),
        "最佳检查时间为月经周期第7-14天；去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、"
        "人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。"
        "询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Best done on days 7-14 of the menstrual cycle. Remove all metal objects, phone, magnetic "
        "cards and watch; declare pacemakers, cochlear implants, metal implants or aneurysm clips "
        "beforehand; mention claustrophobia; bring previous films. Questions on gadolinium "
        "contrast allergy; bring a recent renal function result; come with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    # Imaging: special MR
    CatalogueItem(
        "MR-MRCP", "磁共振胰胆管成像（MRCP）", "MR cholangiopancreatography (MRCP)",
        "RAD", "MR", "胰胆管", "Biliary and pancreatic ducts", 25,
        Decimal("600.00"),
        "检查前禁食禁水6小时；练习屏气；去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、"
        "人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Fast (no food or drink) 6 hours; practise breath-holding. Remove all metal objects, "
        "phone, magnetic cards and watch; declare pacemakers, cochlear implants, metal implants "
        "or aneurysm clips beforehand; mention claustrophobia; bring previous films.",
        needs_appointment=True,
    ),
    CatalogueItem(
        "MR-MRU", "磁共振尿路成像（MRU）", "MR urography (MRU, non-contrast)",
        "RAD", "MR", "泌尿系", "Urinary tract", 25,
        Decimal("600.00"),
        "检查前禁食4小时，适度充盈膀胱；去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、"
        "人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Fast 4 hours; moderately full bladder. Remove all metal objects, phone, magnetic cards "
        "and watch; declare pacemakers, cochlear implants, metal implants or aneurysm clips "
        "beforehand; mention claustrophobia; bring previous films.",
        needs_appointment=True,
    ),
    CatalogueItem(
        "MR-MRA-HEAD", "头颅磁共振血管成像（MRA）", "MR angiography, head (time-of-flight)",
        "RAD", "MR", "头颅", "Head", 20,
        Decimal("550.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
        needs_appointment=True,
    ),
    CatalogueItem(
        "MR-MRA-NECK", "颈部磁共振血管成像（MRA）", "MR angiography, neck (non-contrast)",
        "RAD", "MR", "颈部", "Neck", 20,
        Decimal("550.00"),
        "去除所有金属物品、手机、磁卡、手表；体内有心脏起搏器、人工耳蜗、"
        "金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；携带既往片子。",
        "Remove all metal objects, phone, magnetic cards and watch; declare pacemakers, cochlear "
        "implants, metal implants or aneurysm clips beforehand; mention claustrophobia; bring "
        "previous films.",
        needs_appointment=True,
    ),
    CatalogueItem(
        "MR-CARDIAC", "心脏MR平扫+增强（含延迟强化）",
        "Cardiac MR, plain and enhanced (with late gadolinium enhancement)",
        "RAD", "MR", "心脏", "Heart", 45,
        Decimal("1800.00"),
        "练习呼气末屏气；心律不齐者提前告知；去除所有金属物品、手机、磁卡、手表；"
        "体内有心脏起搏器、人工耳蜗、金属植入物或动脉瘤夹者须事先告知；幽闭恐惧症者提前说明；"
        "携带既往片子。询问钆对比剂过敏史；携带近期肾功能结果；需家属陪同。",
        "Practise end-expiration breath-holding; tell staff about arrhythmia. Remove all metal "
        "objects, phone, magnetic cards and watch; declare pacemakers, cochlear implants, metal "
        "implants or aneurysm clips beforehand; mention claustrophobia; bring previous films. "
        "Questions on gadolinium contrast allergy; bring a recent renal function result; come "
        "with a relative.",
        needs_appointment=True, contrast="iv", important=True,
    ),
    # Imaging: DSA and interventional
    CatalogueItem(
        "DSA-CEREBRAL", "全脑血管造影术（DSA）", "Cerebral angiography, four-vessel (DSA)",
        "RAD", "DSA", "脑血管", "Cerebral vessels", 90,
        Decimal("2800.00"),
        "术前禁食禁水6小时；完成血常规、凝血功能、肝肾功能及传染病筛查；询问碘对比剂过敏史；"
        "签署知情同意书；双侧腹股沟区备皮；需家属陪同。",
        "Nil by mouth 6 hours; blood count, coagulation, liver and renal function and infection "
        "screening done; iodinated contrast allergy questions; signed informed consent; both "
        "groins shaved; come with a relative.",
        needs_appointment=True, contrast="intra_arterial", important=True, radiation=True,
    ),
    CatalogueItem(
        "DSA-CORONARY", "冠状动脉造影术", "Coronary angiography",
        "RAD", "DSA", "冠状动脉", "Coronary arteries", 60,
        Decimal("2200.00"),
        "术前禁食4小时；完成血常规、凝血功能、肝肾功能及传染病筛查；询问碘对比剂过敏史；"
        "签署知情同意书；右腕部及腹股沟区备皮；需家属陪同。",
        "Fast 4 hours; blood count, coagulation, liver and renal function and infection screening "
        "done; iodinated contrast allergy questions; signed informed consent; right wrist and "
        "groin prepared; come with a relative.",
        needs_appointment=True, contrast="intra_arterial", important=True, radiation=True,
    ),
    CatalogueItem(
        "DSA-TACE", "肝动脉化疗栓塞术（TACE）", "Hepatic arterial chemoembolisation (TACE)",
        "RAD", "DSA", "肝脏", "Liver", 120,
        Decimal("4500.00"),
        "术前禁食禁水6小时；完成血常规、凝血功能、肝肾功能、甲胎蛋白及传染病筛查；"
        "询问碘对比剂过敏史；签署知情同意书；双侧腹股沟区备皮；需家属陪同。",
        "Nil by mouth 6 hours; blood count, coagulation, liver and renal function, AFP and "
        "infection screening done; iodinated contrast allergy questions; signed informed consent; "
        "both groins shaved; come with a relative.",
        needs_appointment=True, contrast="intra_arterial", important=True, radiation=True,
    ),
    CatalogueItem(
        "DSA-LL", "下肢动脉造影术", "Lower-limb arteriography (DSA)",
        "RAD", "DSA", "下肢动脉", "Lower-limb arteries", 90,
        Decimal("1800.00"),
        "术前禁食禁水6小时；完成血常规、凝血功能、肝肾功能及传染病筛查；询问碘对比剂过敏史；"
        "签署知情同意书；双侧腹股沟区备皮；需家属陪同。",
        "Nil by mouth 6 hours; blood count, coagulation, liver and renal function and infection "
        "screening done; iodinated contrast allergy questions; signed informed consent; both "
        "groins shaved; come with a relative.",
        needs_appointment=True, contrast="intra_arterial", important=True, radiation=True,
    ),
    CatalogueItem(
        "DSA-RENAL", "肾动脉造影术", "Renal arteriography (DSA)",
        "RAD", "DSA", "肾动脉", "Renal arteries", 60,
        Decimal("1800.00"),
        "术前禁食禁水6小时；完成血常规、凝血功能、肝肾功能及传染病筛查；询问碘对比剂过敏史；"
        "签署知情同意书；双侧腹股沟区备皮；需家属陪同。",
        "Nil by mouth 6 hours; blood count, coagulation, liver and renal function and infection "
        "screening done; iodinated contrast allergy questions; signed informed consent; both "
        "groins shaved; come with a relative.",
        needs_appointment=True, contrast="intra_arterial", important=True, radiation=True,
    ),
    # Imaging: mammography
    CatalogueItem(
        "MG-BILAT", "双侧乳腺钼靶摄影（数字化）", "Mammography, bilateral (digital)",
        "RAD", "MG", "双侧乳腺", "Both breasts", 10,
        Decimal("240.00"),
        "最佳检查时间为月经干净后7-10天；检查当日勿在乳房及腋下涂抹爽身粉、止汗剂；"
        "去除上身衣物及饰物；携带既往片子。",
        "Best done 7-10 days after menstruation ends; no talcum powder or antiperspirant on "
        "breasts or armpits on the day; undress to the waist and remove jewellery; bring previous "
        "films.",
        radiation=True,
    ),
    CatalogueItem(
        "MG-UNILAT", "单侧乳腺钼靶摄影（数字化）", "Mammography, unilateral (digital)",
        "RAD", "MG", "乳腺", "Breast", 10,
        Decimal("140.00"),
        "最佳检查时间为月经干净后7-10天；检查当日勿在乳房及腋下涂抹爽身粉、止汗剂；"
        "去除上身衣物及饰物；携带既往片子。",
        "Best done 7-10 days after menstruation ends; no talcum powder or antiperspirant on "
        "breasts or armpits on the day; undress to the waist and remove jewellery; bring previous "
        "films.",
        radiation=True,
    ),
    CatalogueItem(
        "MG-LOC", "乳腺钼靶引导下病灶导丝定位术", "Mammography-guided hookwire localisation",
        "RAD", "MG", "乳腺", "Breast", 30,
        Decimal("800.00"),
        "检查前完成凝血功能检查；抗凝药物是否停用遵医嘱；携带既往乳腺影像资料；签署知情同意书；"
        "需家属陪同。",
        "Coagulation tests done; stop anticoagulants only as instructed by the physician; bring "
        "previous breast images; signed informed consent; come with a relative.",
        needs_appointment=True, important=True, radiation=True,
    ),
    CatalogueItem(
        "MG-DUCTO", "乳腺导管造影", "Galactography (ductography)",
        "RAD", "MG", "乳腺", "Breast", 30,
        Decimal("300.00"),
        "检查前勿挤压乳头，保留溢液以便定位；避开月经期；询问碘对比剂过敏史。",
        "Do not squeeze the nipple so the discharging duct can be found; avoid the menstrual "
        "period; iodinated contrast allergy questions.",
        needs_appointment=True, contrast="intra_cavitary", important=True, radiation=True,
    ),
    # Imaging: fluoroscopy and contrast studies
    CatalogueItem(
        "RF-SWALLOW", "食管吞钡造影", "Barium swallow (oesophagus)",
        "RAD", "RF", "食管", "Oesophagus", 20,
        Decimal("150.00"),
        "一般无需禁食；去除颈胸部金属物品；检查后多饮水以利钡剂排出。",
        "Fasting not usually required; remove metal from neck and chest; drink plenty of water "
        "afterwards to clear the barium.",
        needs_appointment=True, contrast="oral", radiation=True,
    ),
    CatalogueItem(
        "RF-UGI", "上消化道钡餐造影", "Upper GI barium meal",
        "RAD", "RF", "上消化道", "Upper gastrointestinal tract", 30,
        Decimal("260.00"),
        "检查前一日晚餐后禁食禁水（至少8小时）；检查前3天禁服铋剂、钙剂等含金属药物；"
        "去除金属物品；检查后多饮水，次日大便呈白色属正常。",
        "No food or drink after supper the evening before (at least 8 hours); no bismuth, calcium "
        "or other metal-containing drugs for 3 days; remove metal objects; drink plenty of water "
        "afterwards, white stools the next day are normal.",
        needs_appointment=True, fasting=True, contrast="oral", radiation=True,
    ),
    CatalogueItem(
        "RF-SBFT", "全消化道（小肠）钡剂造影", "Small-bowel follow-through (barium)",
        "RAD", "RF", "小肠", "Small bowel", 45,
        Decimal("300.00"),
        "检查前一日进少渣饮食，晚餐后禁食禁水；检查前3天禁服含金属药物；检查需分次摄片，"
        "历时2-4小时。",
        "Low-residue diet the day before, nothing by mouth after supper; no metal-containing "
        "drugs for 3 days; films are taken at intervals over 2-4 hours.",
        needs_appointment=True, fasting=True, contrast="oral", radiation=True,
    ),
    CatalogueItem(
        "RF-BE", "结肠气钡双重造影（钡灌肠）", "Barium enema, double contrast",
        "RAD", "RF", "结肠", "Colon", 30,
        Decimal("300.00"),
        "检查前2天进少渣半流质饮食；检查前一日晚服用泻剂清洁肠道（或检查前清洁灌肠）；"
        "检查当日早晨可进少量流质。",
        "Low-residue semi-liquid diet for 2 days; laxative bowel preparation the evening before "
        "(or a cleansing enema); a little clear fluid allowed on the morning of the exam.",
        needs_appointment=True, contrast="rectal", important=True, radiation=True,
    ),
    CatalogueItem(
        "RF-IVU", "静脉肾盂造影（IVU）", "Intravenous urography (IVU)",
        "RAD", "RF", "泌尿系", "Urinary tract", 45,
        Decimal("350.00"),
        "检查前2天少渣饮食，前一晚服用缓泻剂；检查当日禁食禁水；询问碘对比剂过敏史及甲亢、"
        "哮喘病史；携带近期肾功能（肌酐）结果；需家属陪同；检查后留观30分钟并多饮水。",
        "Low-residue diet for 2 days and a laxative the evening before; nothing by mouth on the "
        "day. Questions on iodinated contrast allergy, hyperthyroidism and asthma; bring a recent "
        "renal function (creatinine) result; come with a relative; stay 30 minutes for "
        "observation afterwards and drink plenty of water.",
        needs_appointment=True, fasting=True, contrast="iv", important=True, radiation=True,
    ),
    CatalogueItem(
        "RF-HSG", "子宫输卵管造影（HSG）", "Hysterosalpingography (HSG)",
        "RAD", "RF", "子宫输卵管", "Uterus and fallopian tubes", 30,
        Decimal("400.00"),
        "月经干净后3-7天内检查，月经干净后禁止性生活；携带白带常规结果；检查前排空大小便；"
        "询问碘对比剂过敏史。",
        "Done 3-7 days after menstruation ends, no intercourse after the period; bring a vaginal "
        "discharge test result; empty bladder and bowels; iodinated contrast allergy questions.",
        needs_appointment=True, contrast="intra_cavitary", important=True, radiation=True,
    ),
    CatalogueItem(
        "RF-TTUBE", "T管胆道造影", "T-tube cholangiography",
        "RAD", "RF", "胆道", "Biliary tract", 30,
        Decimal("250.00"),
        "检查前禁食4小时；保持T管通畅；询问碘对比剂过敏史。",
        "Fast 4 hours; keep the T-tube patent; iodinated contrast allergy questions.",
        needs_appointment=True, contrast="intra_cavitary", important=True, radiation=True,
    ),
    CatalogueItem(
        "RF-FISTULA", "窦道及瘘管造影", "Sinography and fistulography",
        "RAD", "RF", "窦道瘘管", "Sinus tract or fistula", 30,
        Decimal("200.00"),
        "检查前更换窦道口敷料；询问碘对比剂过敏史。",
        "Change the dressing at the sinus opening; iodinated contrast allergy questions.",
        needs_appointment=True, contrast="intra_cavitary", important=True, radiation=True,
    ),
    CatalogueItem(
        "RF-URETHRA", "逆行尿道造影", "Retrograde urethrography",
        "RAD", "RF", "尿道", "Urethra", 30,
        Decimal("250.00"),
        "检查前排空膀胱；询问碘对比剂过敏史；急性尿道炎期间不宜检查。",
        "Empty the bladder; iodinated contrast allergy questions; not during acute urethritis.",
        needs_appointment=True, contrast="intra_cavitary", important=True, radiation=True,
    ),
    # Ultrasound (超声科)
    CatalogueItem(
        "US-HBPSK", "肝胆胰脾双肾彩色多普勒超声",
        "Colour Doppler US, liver, gallbladder, pancreas, spleen and both kidneys",
        "US", "US", "腹部", "Abdomen", 20,
        Decimal("200.00"),
        "检查前禁食8小时以上（前一晚清淡饮食）；两日内未做胃肠钡餐检查；"
        "如需同时观察膀胱请适度憋尿。",
        "Fast at least 8 hours (light supper the evening before); no barium study within two "
        "days; keep the bladder moderately full if it is to be seen as well.",
        fasting=True,
    ),
    CatalogueItem(
        "US-UABD", "上腹部（肝胆胰脾）彩色多普勒超声",
        "Colour Doppler US, upper abdomen (liver, gallbladder, pancreas, spleen)",
        "US", "US", "上腹部", "Upper abdomen", 15,
        Decimal("150.00"),
        "检查前禁食8小时以上（前一晚清淡饮食）；检查当日勿饮水；两日内未做胃肠钡餐检查。",
        "Fast at least 8 hours (light supper the evening before); no drinking on the day; no "
        "barium study within two days.",
        fasting=True,
    ),
    CatalogueItem(
        "US-LIVERGB", "肝胆彩色多普勒超声", "Colour Doppler US, liver and gallbladder",
        "US", "US", "肝胆", "Liver and gallbladder", 10,
        Decimal("100.00"),
        "检查前禁食8小时以上（前一晚清淡饮食）；检查当日勿饮水；两日内未做胃肠钡餐检查。",
        "Fast at least 8 hours (light supper the evening before); no drinking on the day; no "
        "barium study within two days.",
        fasting=True,
    ),
    CatalogueItem(
        "US-CEUS-LIVER", "肝脏超声造影", "Contrast-enhanced US (CEUS), liver",
        "US", "US", "肝脏", "Liver", 30,
        Decimal("700.00"),
        "检查前禁食8小时；询问超声造影剂过敏史及严重心肺疾病史；签署知情同意书；需家属陪同。",
        "Fast 8 hours; questions on ultrasound contrast allergy and severe heart or lung disease; "
        "signed informed consent; come with a relative.",
        needs_appointment=True, fasting=True, contrast="iv", important=True,
    ),
    CatalogueItem(
        "US-ABD-BED", "床旁腹部超声", "Bedside US, abdomen", "US", "US", "腹部", "Abdomen", 20,
        Decimal("200.00"),
        "尽量空腹4小时以上（急诊除外）；医护人员协助摆位。",
        "Fast at least 4 hours where possible (not for emergencies); nursing staff help with "
        "positioning.",
        fasting=True,
    ),
    CatalogueItem(
        "US-URINARY", "泌尿系彩色多普勒超声（双肾、输尿管、膀胱、前列腺）",
        "Colour Doppler US, urinary tract (kidneys, ureters, bladder, prostate)",
        "US", "US", "泌尿系", "Urinary tract", 15,
        Decimal("150.00"),
        "检查前1小时饮水500-1000毫升，憋尿至膀胱充盈后检查。",
        "Drink 500-1000 ml of water an hour before and come with a full bladder.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-TRUS", "经直肠前列腺超声", "Transrectal US, prostate",
        "US", "US", "前列腺", "Prostate", 15,
        Decimal("150.00"),
        "检查前排空大便，适度充盈膀胱。",
        "Empty the bowels; moderately full bladder.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-GYN-TA", "妇科彩色多普勒超声（经腹）", "Colour Doppler US, gynaecology, transabdominal",
        "US", "US", "子宫附件", "Uterus and adnexa", 15,
        Decimal("100.00"),
        "检查前1小时饮水500-1000毫升，憋尿至膀胱充盈后检查。",
        "Drink 500-1000 ml of water an hour before and come with a full bladder.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-GYN-TV", "妇科彩色多普勒超声（经阴道）", "Colour Doppler US, gynaecology, transvaginal",
        "US", "US", "子宫附件", "Uterus and adnexa", 15,
        Decimal("150.00"),
        "检查前排空膀胱；月经期不宜检查；无性生活史者不做经阴道检查。",
        "Empty the bladder; not during menstruation; not for women who have never had intercourse.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-OB-EARLY", "早孕超声检查", "Obstetric US, early pregnancy",
        "US", "US", "子宫", "Uterus (pregnant)", 10,
        Decimal("100.00"),
        "孕早期需适度充盈膀胱；携带既往产检资料。",
        "In early pregnancy a moderately full bladder; bring previous antenatal records.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-OB", "产科常规超声（中晚孕）", "Obstetric US, routine (2nd and 3rd trimester)",
        "US", "US", "胎儿", "Fetus", 15,
        Decimal("120.00"),
        "无需憋尿及空腹；携带既往产检资料。",
        "No full bladder or fasting needed; bring previous antenatal records.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-OB-NT", "胎儿颈项透明层（NT）超声测量", "Fetal nuchal translucency (NT) scan",
        "US", "US", "胎儿", "Fetus", 20,
        Decimal("200.00"),
        "孕11-13+6周检查；无需空腹；携带既往产检资料。",
        "Done at 11 to 13+6 weeks; no fasting needed; bring previous antenatal records.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-OB-ANOMALY", "系统胎儿超声（胎儿结构畸形筛查）",
        "Systematic fetal US (fetal anomaly scan)",
        "US", "US", "胎儿", "Fetus", 30,
        Decimal("350.00"),
        "孕20-24周检查；携带既往产检资料；胎位不佳时需改时复查。",
        "Done at 20-24 weeks; bring previous antenatal records; may be repeated later if the "
        "fetal position is unfavourable.",
        needs_appointment=True, non_fasting_us=True,
    ),
    CatalogueItem(
        "US-OB-FECHO", "胎儿超声心动图", "Fetal echocardiography",
        "US", "US", "胎儿心脏", "Fetal heart", 30,
        Decimal("400.00"),
        "孕22-26周检查；携带既往产检资料。",
        "Done at 22-26 weeks; bring previous antenatal records.",
        needs_appointment=True, non_fasting_us=True,
    ),
    CatalogueItem(
        "US-ECHO", "超声心动图（彩色多普勒）", "Echocardiography (colour Doppler)",
        "US", "US", "心脏", "Heart", 20,
        Decimal("230.00"),
        "检查前静坐休息5分钟；穿便于暴露胸部的衣服；携带既往心电图及超声报告。",
        "Rest 5 minutes before; wear clothes that open easily at the chest; bring previous ECGs "
        "and echo reports.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-ECHO-BED", "床旁超声心动图", "Bedside echocardiography",
        "US", "US", "心脏", "Heart", 30,
        Decimal("300.00"),
        "保持安静平卧；医护人员协助暴露胸部。",
        "Lie quietly; nursing staff help to expose the chest.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-CAROTID", "颈部血管彩色多普勒超声（颈动脉、椎动脉）",
        "Colour Doppler US, neck vessels (carotid and vertebral arteries)",
        "US", "US", "颈部血管", "Neck vessels", 20,
        Decimal("180.00"),
        "穿低领衣服，去除项链等颈部饰物。",
        "Wear a low-necked top and remove necklaces and other neck jewellery.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-LL-VEIN", "双下肢静脉彩色多普勒超声", "Colour Doppler US, lower-limb veins, bilateral",
        "US", "US", "双下肢静脉", "Lower-limb veins", 20,
        Decimal("240.00"),
        "穿宽松衣裤，便于暴露双下肢。",
        "Wear loose trousers so both legs can be exposed.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-LL-ARTERY", "双下肢动脉彩色多普勒超声",
        "Colour Doppler US, lower-limb arteries, bilateral",
        "US", "US", "双下肢动脉", "Lower-limb arteries", 20,
        Decimal("240.00"),
        "穿宽松衣裤，便于暴露双下肢。",
        "Wear loose trousers so both legs can be exposed.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-UL-VESSEL", "双上肢血管彩色多普勒超声",
        "Colour Doppler US, upper-limb vessels, bilateral",
        "US", "US", "双上肢血管", "Upper-limb vessels", 20,
        Decimal("240.00"),
        "穿宽松衣服，便于暴露双上肢。",
        "Wear loose clothes so both arms can be exposed.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-THYROID", "甲状腺彩色多普勒超声", "Colour Doppler US, thyroid",
        "US", "US", "甲状腺", "Thyroid", 10,
        Decimal("100.00"),
        "穿低领衣服，去除项链等颈部饰物。",
        "Wear a low-necked top and remove necklaces and other neck jewellery.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-THYROID-LN", "甲状腺及颈部淋巴结彩色多普勒超声",
        "Colour Doppler US, thyroid and cervical lymph nodes",
        "US", "US", "甲状腺及颈部", "Thyroid and neck", 15,
        Decimal("150.00"),
        "穿低领衣服，去除项链等颈部饰物。",
        "Wear a low-necked top and remove necklaces and other neck jewellery.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-BREAST", "双侧乳腺及腋窝淋巴结彩色多普勒超声",
        "Colour Doppler US, both breasts and axillary lymph nodes",
        "US", "US", "乳腺", "Breasts", 15,
        Decimal("120.00"),
        "避开月经期；穿便于穿脱的上衣；携带既往乳腺检查资料。",
        "Avoid the menstrual period; wear a top that is easy to remove; bring previous breast "
        "reports.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-LN", "浅表淋巴结彩色多普勒超声", "Colour Doppler US, superficial lymph nodes",
        "US", "US", "浅表淋巴结", "Superficial lymph nodes", 15,
        Decimal("100.00"),
        "",
        "",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-SALIVARY", "涎腺（腮腺、颌下腺）彩色多普勒超声",
        "Colour Doppler US, salivary glands (parotid and submandibular)",
        "US", "US", "涎腺", "Salivary glands", 10,
        Decimal("100.00"),
        "",
        "",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-SCROTUM", "阴囊（双侧睾丸、附睾）彩色多普勒超声",
        "Colour Doppler US, scrotum (both testes and epididymides)",
        "US", "US", "阴囊", "Scrotum", 10,
        Decimal("100.00"),
        "",
        "",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-SOFTTISSUE", "体表软组织肿物超声", "US, superficial soft-tissue mass",
        "US", "US", "软组织", "Soft tissue", 10,
        Decimal("80.00"),
        "",
        "",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-PLEURA-LOC", "胸腔积液超声定位", "US localisation of pleural effusion",
        "US", "US", "胸腔", "Pleural cavity", 10,
        Decimal("80.00"),
        "携带近期胸片或胸部CT片子。",
        "Bring recent chest X-ray or chest CT films.",
        non_fasting_us=True,
    ),
    CatalogueItem(
        "US-ASCITES-LOC", "腹腔积液超声定位", "US localisation of ascites",
        "US", "US", "腹腔", "Peritoneal cavity", 10,
        Decimal("80.00"),
        "检查前排空膀胱。",
        "Empty the bladder before the exam.",
        non_fasting_us=True,
    ),
    # ECG room (心电图室)
    CatalogueItem(
        "ECG-12", "常规十二导联心电图", "Resting 12-lead ECG", "ECG", "ECG", "心脏", "Heart", 5,
        Decimal("25.00"),
        "检查前静坐休息5分钟；勿饱餐、吸烟或剧烈运动；穿便于暴露胸部及手腕脚踝的衣服；"
        "去除金属饰物。",
        "Rest 5 minutes before; no heavy meal, smoking or strenuous exercise beforehand; wear "
        "clothes that expose chest, wrists and ankles easily; remove metal jewellery.",
    ),
    CatalogueItem(
        "ECG-BED", "床旁心电图", "Bedside 12-lead ECG", "ECG", "ECG", "心脏", "Heart", 10,
        Decimal("40.00"),
        "保持安静平卧；暂时关闭电热毯等电器；医护人员协助暴露胸部及四肢。",
        "Lie quietly; switch off electric blankets and similar appliances; nursing staff help to "
        "expose chest and limbs.",
    ),
    CatalogueItem(
        "ECG-15", "十五导联心电图", "15-lead ECG (right-sided and posterior leads)",
        "ECG", "ECG", "心脏", "Heart", 10,
        Decimal("35.00"),
        "检查前静坐休息5分钟；勿饱餐、吸烟或剧烈运动；穿便于暴露胸部及手腕脚踝的衣服；"
        "去除金属饰物。",
        "Rest 5 minutes before; no heavy meal, smoking or strenuous exercise beforehand; wear "
        "clothes that expose chest, wrists and ankles easily; remove metal jewellery.",
    ),
    CatalogueItem(
        "ECG-18", "十八导联心电图", "18-lead ECG", "ECG", "ECG", "心脏", "Heart", 10,
        Decimal("40.00"),
        "检查前静坐休息5分钟；勿饱餐、吸烟或剧烈运动；穿便于暴露胸部及手腕脚踝的衣服；"
        "去除金属饰物。",
        "Rest 5 minutes before; no heavy meal, smoking or strenuous exercise beforehand; wear "
        "clothes that expose chest, wrists and ankles easily; remove metal jewellery.",
    ),
    CatalogueItem(
        "ECG-VCG", "心电向量图", "Vectorcardiography", "ECG", "ECG", "心脏", "Heart", 10,
        Decimal("60.00"),
        "检查前静坐休息5分钟；勿饱餐、吸烟或剧烈运动；穿便于暴露胸部及手腕脚踝的衣服；"
        "去除金属饰物。",
        "Rest 5 minutes before; no heavy meal, smoking or strenuous exercise beforehand; wear "
        "clothes that expose chest, wrists and ankles easily; remove metal jewellery.",
    ),
    CatalogueItem(
        "ECG-HOLTER-24", "24小时动态心电图（Holter）", "24-hour ambulatory ECG (Holter)",
        "ECG", "ECG", "心脏", "Heart", 15,
        Decimal("220.00"),
        "佩戴前洗澡并清洁胸部皮肤；佩戴期间勿洗澡、勿靠近强磁场，防止电极脱落；"
        "记录日常活动及症状发生时间；按约定时间返回拆机。",
        "Shower and clean the chest skin before fitting; while wearing it do not bathe or go near "
        "strong magnetic fields and keep the electrodes on; keep a diary of activities and "
        "symptoms; return at the agreed time for removal.",
    ),
    CatalogueItem(
        "ECG-HOLTER-72", "72小时动态心电图", "72-hour ambulatory ECG",
        "ECG", "ECG", "心脏", "Heart", 15,
        Decimal("450.00"),
        "佩戴前洗澡并清洁胸部皮肤；佩戴期间勿洗澡、勿靠近强磁场，防止电极脱落；"
        "记录日常活动及症状发生时间；按约定时间返回拆机。",
        "Shower and clean the chest skin before fitting; while wearing it do not bathe or go near "
        "strong magnetic fields and keep the electrodes on; keep a diary of activities and "
        "symptoms; return at the agreed time for removal.",
    ),
    CatalogueItem(
        "ECG-HRV", "心率变异性分析", "Heart rate variability analysis",
        "ECG", "ECG", "心脏", "Heart", 15,
        Decimal("80.00"),
        "佩戴前洗澡并清洁胸部皮肤；佩戴期间勿洗澡、勿靠近强磁场，防止电极脱落；"
        "记录日常活动及症状发生时间；按约定时间返回拆机。",
        "Shower and clean the chest skin before fitting; while wearing it do not bathe or go near "
        "strong magnetic fields and keep the electrodes on; keep a diary of activities and "
        "symptoms; return at the agreed time for removal.",
    ),
    CatalogueItem(
        "ECG-ABPM", "24小时动态血压监测", "24-hour ambulatory blood pressure monitoring",
        "ECG", "ECG", "上臂", "Upper arm", 10,
        Decimal("150.00"),
        "穿袖口宽松的衣服；袖带充气时手臂保持静止放松；记录活动、睡眠及服药时间；"
        "24小时后返回拆机。",
        "Wear loose sleeves; keep the arm still and relaxed while the cuff inflates; keep a diary "
        "of activity, sleep and medication times; return after 24 hours.",
    ),
    CatalogueItem(
        "ECG-TREADMILL", "运动平板试验（平板运动心电图）", "Exercise treadmill ECG test",
        "ECG", "ECG", "心脏", "Heart", 30,
        Decimal("240.00"),
        "检查前2小时内勿饱餐、吸烟、饮咖啡；穿运动鞋及宽松衣裤；遵医嘱停用β受体阻滞剂等药物；"
        "携带近期心电图及超声心动图报告；检查全程有医生在场。",
        "No heavy meal, smoking or coffee within 2 hours; wear trainers and loose clothes; stop "
        "beta-blockers and other drugs only as instructed; bring recent ECG and echo reports; a "
        "physician is present throughout.",
        exercise=True,
    ),
    CatalogueItem(
        "ECG-TILT", "直立倾斜试验", "Head-up tilt test", "ECG", "ECG", "心脏", "Heart", 60,
        Decimal("300.00"),
        "检查前禁食4小时；遵医嘱停用影响心率、血压的药物；签署知情同意书；需家属陪同。",
        "Fast 4 hours; stop drugs affecting heart rate and blood pressure as instructed; signed "
        "informed consent; come with a relative.",
        needs_appointment=True,
    ),
)
