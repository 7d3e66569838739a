"""The course as data: the content model, its loader and validator, translations, checker."""
