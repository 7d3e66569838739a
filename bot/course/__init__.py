"""The course as data: model, loader and validator, translations, extractor, checker.

    model     immutable Course, Module, Lesson, QuizItem, ReferenceCard, Emergency, Text
    loader    load_course(content_dir) -> Course, or ContentError(problems)
    catalogs  ContentCatalogs: served translations (or a marked English fallback), coverage
    extract   the babel extractor for content/**.yaml (babel-content.cfg)
    check     check(content_dir, locales_dir) -> CheckReport; python -m bot.course.check
"""
