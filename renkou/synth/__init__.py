"""A synthetic city: the department files of a Hangzhou-sized population, 2015-2020, calibrated to published figures.

``renkou synth`` writes what each department would deliver (hukou CSV in GBK, health XLSX, residence JSON lines,
civil and housing CSV, human-resources Parquet) plus, under ``truth/``, the ground truth of the dirt it put in on
purpose. The demographic accounting (:mod:`renkou.synth.plan`) is pure; persons are drawn chunk by chunk of
households (:mod:`renkou.synth.city`), so memory does not grow with the scale.
"""
