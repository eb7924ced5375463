extension SimulatedPerson {
    struct Governorate: Sendable {
        let code: String
        let arabic: String
        let city: String
    }

    struct Name: Sendable {
        let arabic: String
        let english: String
    }

    /// Governorate codes as used in the national ID number (`88`: born abroad).
    static let governorates: [Governorate] = [
        .init(code: "01", arabic: "القاهرة", city: "مدينة نصر"),
        .init(code: "02", arabic: "الإسكندرية", city: "سيدي جابر"),
        .init(code: "03", arabic: "بورسعيد", city: "حي الشرق"),
        .init(code: "04", arabic: "السويس", city: "الأربعين"),
        .init(code: "11", arabic: "دمياط", city: "دمياط الجديدة"),
        .init(code: "12", arabic: "الدقهلية", city: "المنصورة"),
        .init(code: "13", arabic: "الشرقية", city: "الزقازيق"),
        .init(code: "14", arabic: "القليوبية", city: "بنها"),
        .init(code: "15", arabic: "كفر الشيخ", city: "دسوق"),
        .init(code: "16", arabic: "الغربية", city: "طنطا"),
        .init(code: "17", arabic: "المنوفية", city: "شبين الكوم"),
        .init(code: "18", arabic: "البحيرة", city: "دمنهور"),
        .init(code: "19", arabic: "الإسماعيلية", city: "الإسماعيلية"),
        .init(code: "21", arabic: "الجيزة", city: "الدقي"),
        .init(code: "22", arabic: "بني سويف", city: "بني سويف"),
        .init(code: "23", arabic: "الفيوم", city: "الفيوم"),
        .init(code: "24", arabic: "المنيا", city: "ملوي"),
        .init(code: "25", arabic: "أسيوط", city: "أسيوط"),
        .init(code: "26", arabic: "سوهاج", city: "أخميم"),
        .init(code: "27", arabic: "قنا", city: "نجع حمادي"),
        .init(code: "28", arabic: "أسوان", city: "كوم أمبو"),
        .init(code: "29", arabic: "الأقصر", city: "الأقصر"),
        .init(code: "31", arabic: "البحر الأحمر", city: "الغردقة"),
        .init(code: "32", arabic: "الوادي الجديد", city: "الخارجة"),
        .init(code: "33", arabic: "مطروح", city: "مرسى مطروح"),
        .init(code: "34", arabic: "شمال سيناء", city: "العريش"),
        .init(code: "35", arabic: "جنوب سيناء", city: "الطور"),
        .init(code: "88", arabic: "خارج الجمهورية", city: ""),
    ]

    static let maleNames: [Name] = [
        .init(arabic: "محمد", english: "Mohamed"), .init(arabic: "أحمد", english: "Ahmed"),
        .init(arabic: "محمود", english: "Mahmoud"), .init(arabic: "مصطفى", english: "Mostafa"),
        .init(arabic: "عمر", english: "Omar"), .init(arabic: "يوسف", english: "Youssef"),
        .init(arabic: "حسن", english: "Hassan"), .init(arabic: "علي", english: "Ali"),
        .init(arabic: "إبراهيم", english: "Ibrahim"), .init(arabic: "خالد", english: "Khaled"),
        .init(arabic: "كريم", english: "Karim"), .init(arabic: "طارق", english: "Tarek"),
        .init(arabic: "مينا", english: "Mina"), .init(arabic: "جرجس", english: "Girgis"),
    ]

    static let femaleNames: [Name] = [
        .init(arabic: "فاطمة", english: "Fatma"), .init(arabic: "مريم", english: "Mariam"),
        .init(arabic: "نور", english: "Nour"), .init(arabic: "سارة", english: "Sara"),
        .init(arabic: "آية", english: "Aya"), .init(arabic: "هبة", english: "Heba"),
        .init(arabic: "منى", english: "Mona"), .init(arabic: "ياسمين", english: "Yasmin"),
        .init(arabic: "دينا", english: "Dina"), .init(arabic: "مارينا", english: "Marina"),
    ]

    static let familyNames: [Name] = [
        .init(arabic: "عبد الرحمن", english: "Abdelrahman"), .init(arabic: "السيد", english: "Elsayed"),
        .init(arabic: "عبد الله", english: "Abdallah"), .init(arabic: "الشافعي", english: "Elshafei"),
        .init(arabic: "منصور", english: "Mansour"), .init(arabic: "سليمان", english: "Soliman"),
        .init(arabic: "فهمي", english: "Fahmy"), .init(arabic: "عزت", english: "Ezzat"),
        .init(arabic: "حنا", english: "Hanna"), .init(arabic: "رزق", english: "Rizk"),
    ]

    static let districts: [String] = [
        "الحي الأول", "الحي الثاني", "شارع التحرير", "شارع الجمهورية", "المنطقة الصناعية", "حي السلام",
    ]

    static let jobs: [(job: String, title: String)] = [
        ("مهندس", "مهندس مدني"), ("طبيب", "طبيب بشري"), ("محاسب", "محاسب"),
        ("مدرس", "معلم أول"), ("طالب", "طالب"), ("موظف", "موظف بالقطاع الخاص"),
    ]
}
