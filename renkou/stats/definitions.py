"""What each indicator of ``renkou stats`` means: unit, definition and the population it is computed on, in Chinese
and English, and the reason printed when it cannot be computed.

The indicators of a block (registered or resident population of an area) are computed on that block's population:
the registered population (户籍人口) or the resident population (常住人口) as defined in DESIGN.md. "The year" is the
twelve months ending on the as-of date: events dated after the same day one year earlier, up to and including it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A sentence in Chinese and English."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"

    def to_json(self) -> dict[str, str]:
        """``{"zh": ..., "en": ...}``."""
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Definition:
    """One indicator: its key in the JSON output, names, unit, definition, population and rounding."""

    key: str
    name: Text
    unit: Text
    definition: Text
    population: Text
    digits: int | None = None  # decimals in the output (None: an integer count)
    null_reason: Text | None = None  # why it is null when its denominator is zero

    def to_json(self) -> dict[str, object]:
        """The definition as a JSON-ready dictionary."""
        return {
            "name": self.name.to_json(),
            "unit": self.unit.to_json(),
            "definition": self.definition.to_json(),
            "population": self.population.to_json(),
        }


PERSONS = Text("人", "persons")
PER_MILLE = Text("‰", "per 1000")
FRACTION = Text("比例（0-1）", "fraction (0-1)")
PERCENT = Text("%", "percent")
YEARS = Text("岁", "years")
BLOCK = Text("本口径人口（户籍或常住）", "the block's population (registered or resident)")
BLOCK_END = Text("截至日本口径人口", "the block's population on the as-of date")
BLOCK_MEAN = Text(
    "本口径年平均人口（年初与年末人口的平均数）",
    "the block's mean population of the year (average of the populations at the start and the end of the year)",
)
BIRTHS_OF_BLOCK = Text(
    "本年出生的本口径活产婴儿：户籍口径为出生时户口在本市（本区）者，常住口径为出生时居住在本市（本区）者（新生儿不适用半年规则）",
    "live births of the year counted for the block: registered, the child's hukou is in the city (district) at "
    "birth; resident, the child lives in the city (district) at birth (the six-month rule does not apply to newborns)",
)
DEATHS_OF_BLOCK = Text(
    "本年死亡者，按其死亡当日（视为仍在世）的口径和所在区归属",
    "deaths of the year, assigned by the person's population and district on the day of death (as if still alive)",
)
WOMEN = Text(
    "本口径 15-49 岁妇女的年平均人数（年初与年末的平均，近似妇女人年数）",
    "women aged 15-49 of the block, mean of the start and the end of the year (approximating woman-years)",
)
NO_POPULATION = Text("该口径人口为 0", "the population is zero")
NO_MEAN_POPULATION = Text("年平均人口为 0", "the mean population of the year is zero")
NO_BIRTHS = Text("本年无出生", "no births in the year")
NO_FEMALE_BIRTHS = Text("本年无女婴出生", "no female births in the year")
NO_WORKING = Text("15-64 岁人口为 0", "no population aged 15-64")
NO_FEMALES = Text("女性人口为 0", "no females")
NO_WOMEN = Text("某个育龄组（15-49 岁）没有妇女，无法计算", "an age group of women 15-49 is empty")
NO_URBAN_CODE = Text("无人有城乡分类代码", "nobody has an urban-rural code")
NO_HOUSEHOLDS = Text("无人有户号，无法统计家庭户", "nobody has a household number, so households cannot be counted")
NO_EDUCATION = Text("16-59 岁人口中无人有文化程度记录", "nobody aged 16-59 has an education record")


def _d(
    key: str,
    zh: str,
    en: str,
    unit: Text,
    definition_zh: str,
    definition_en: str,
    population: Text = BLOCK,
    digits: int | None = None,
    null_reason: Text | None = None,
) -> Definition:
    return Definition(key, Text(zh, en), unit, Text(definition_zh, definition_en), population, digits, null_reason)


def _share(key: str, zh: str, en: str, ages_zh: str, ages_en: str) -> Definition:
    return _d(
        key,
        zh,
        en,
        FRACTION,
        f"{ages_zh}人口占总人口的比例（年龄为截至日的周岁）",
        f"persons aged {ages_en} over all persons (completed age on the as-of date)",
        BLOCK_END,
        4,
        NO_POPULATION,
    )


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        _d("population", "人口数", "population", PERSONS, "截至日的人口数", "persons on the as-of date", BLOCK_END),
        _d(
            "population_start",
            "年初人口数",
            "population at the start of the year",
            PERSONS,
            "截至日前一年同日的人口数",
            "persons on the same day one year before the as-of date",
        ),
        _d(
            "population_change",
            "人口增减",
            "population change",
            PERSONS,
            "年末人口减年初人口",
            "population at the end of the year minus that at its start",
        ),
        _d(
            "mean_population",
            "年平均人口",
            "mean population",
            PERSONS,
            "年初与年末人口的平均数，作为本年各率的分母（人年数）",
            "average of the populations at the start and the end of the year; the denominator (person-years) of "
            "the year's rates",
            BLOCK_MEAN,
            1,
        ),
        _d("male", "男性人口", "males", PERSONS, "截至日男性人数", "males on the as-of date", BLOCK_END),
        _d("female", "女性人口", "females", PERSONS, "截至日女性人数", "females on the as-of date", BLOCK_END),
        _d(
            "births",
            "出生人数",
            "births",
            PERSONS,
            "本年活产数，按人计（公安、卫健重复报告只计一次）",
            "live births of the year, counted by person (a birth reported by both police and health counts once)",
            BIRTHS_OF_BLOCK,
        ),
        _d(
            "births_male",
            "出生男婴数",
            "male births",
            PERSONS,
            "本年出生男婴数",
            "male births of the year",
            BIRTHS_OF_BLOCK,
        ),
        _d(
            "births_female",
            "出生女婴数",
            "female births",
            PERSONS,
            "本年出生女婴数",
            "female births of the year",
            BIRTHS_OF_BLOCK,
        ),
        _d(
            "deaths",
            "死亡人数",
            "deaths",
            PERSONS,
            "本年死亡人数，按人计（重复报告只计一次）",
            "deaths of the year, counted by person (a death reported twice counts once)",
            DEATHS_OF_BLOCK,
        ),
        _d(
            "infant_deaths",
            "婴儿死亡数",
            "infant deaths",
            PERSONS,
            "本年死亡时不满 1 周岁者",
            "deaths of the year under one year of age",
            DEATHS_OF_BLOCK,
        ),
        _d(
            "natural_increase",
            "自然增长人数",
            "natural increase",
            PERSONS,
            "出生人数减死亡人数",
            "births minus deaths",
        ),
        _d(
            "net_migration",
            "净迁移人数（推算）",
            "net migration (residual)",
            PERSONS,
            "人口增减减去自然增长（余差法，含口径变化，如半年规则带来的进出）",
            "population change minus natural increase (residual method; includes changes of status such as the "
            "six-month rule)",
        ),
        _d(
            "crude_birth_rate",
            "出生率",
            "crude birth rate",
            PER_MILLE,
            "出生人数 / 年平均人口 × 1000",
            "births / mean population x 1000",
            BLOCK_MEAN,
            2,
            NO_MEAN_POPULATION,
        ),
        _d(
            "crude_death_rate",
            "死亡率",
            "crude death rate",
            PER_MILLE,
            "死亡人数 / 年平均人口 × 1000",
            "deaths / mean population x 1000",
            BLOCK_MEAN,
            2,
            NO_MEAN_POPULATION,
        ),
        _d(
            "natural_increase_rate",
            "自然增长率",
            "natural increase rate",
            PER_MILLE,
            "（出生人数 − 死亡人数）/ 年平均人口 × 1000",
            "(births - deaths) / mean population x 1000",
            BLOCK_MEAN,
            2,
            NO_MEAN_POPULATION,
        ),
        _d(
            "net_migration_rate",
            "净迁移率（推算）",
            "net migration rate (residual)",
            PER_MILLE,
            "净迁移人数 / 年平均人口 × 1000",
            "net migration / mean population x 1000",
            BLOCK_MEAN,
            2,
            NO_MEAN_POPULATION,
        ),
        _d(
            "asfr",
            "分年龄组生育率",
            "age-specific fertility rates",
            Text("每名妇女每年的活产数", "births per woman-year"),
            "按母亲生育时的周岁分 15-19 … 45-49 五岁组：该组母亲所生活产数 / 该组妇女的年平均人数；母亲年龄不详的出生按已知年龄的构成分摊；"
            "15 岁以下计入 15-19 岁组，50 岁及以上计入 45-49 岁组",
            "by the mother's completed age at the birth, in groups 15-19 ... 45-49: births to mothers of the group / "
            "mean number of women of the group; births of unknown mother's age are spread in proportion to the "
            "known; under 15 counted in 15-19, 50 and over in 45-49",
            WOMEN,
            4,
            NO_WOMEN,
        ),
        _d(
            "total_fertility_rate",
            "总和生育率",
            "total fertility rate",
            Text("每名妇女生育的孩子数", "children per woman"),
            "5 × 各五岁组生育率之和",
            "5 x the sum of the five-year age-specific fertility rates",
            WOMEN,
            3,
            NO_WOMEN,
        ),
        _d(
            "mean_age_at_childbearing",
            "平均生育年龄",
            "mean age at childbearing",
            YEARS,
            "以分年龄组生育率为权数的各组中点年龄（17.5 … 47.5）的平均数",
            "mean of the age-group mid-points (17.5 ... 47.5) weighted by the age-specific fertility rates",
            WOMEN,
            2,
            NO_BIRTHS,
        ),
        _d(
            "sex_ratio_at_birth",
            "出生人口性别比",
            "sex ratio at birth",
            Text("男婴数 / 100 女婴", "boys per 100 girls"),
            "本年出生男婴数 / 女婴数 × 100",
            "male births / female births of the year x 100",
            BIRTHS_OF_BLOCK,
            2,
            NO_FEMALE_BIRTHS,
        ),
        _d(
            "infant_mortality_rate",
            "婴儿死亡率",
            "infant mortality rate",
            Text("‰（每千活产）", "per 1000 live births"),
            "本年不满 1 周岁死亡人数 / 本年活产数 × 1000",
            "deaths under age 1 in the year / live births of the year x 1000",
            BIRTHS_OF_BLOCK,
            2,
            NO_BIRTHS,
        ),
        _d(
            "under_5_mortality_rate",
            "5 岁以下儿童死亡率",
            "under-five mortality rate",
            Text("‰（每千活产）", "per 1000 live births"),
            "本年时期生命表中出生后 5 岁前死亡的概率 × 1000（1 − l5 / l0）",
            "probability of dying before age 5 in the period life table of the year x 1000 (1 - l5 / l0)",
            DEATHS_OF_BLOCK,
            2,
        ),
        *(
            _d(
                f"life_expectancy_at_{key_age}{suffix}",
                f"{age_zh}{sex_zh}预期寿命",
                f"life expectancy at {age_en}{sex_en}",
                YEARS,
                f"{sex_zh}简略时期生命表（0、1-4、5-9 … 85+ 岁）的 e{age}：分年龄死亡率为本年死亡人数 / 年平均人口；"
                "1a0 按 Andreev-Kingkade，4a1 按 Coale-Demeny，其余组取组距一半，开口组 1/m",
                f"e{age} of the abridged period life table (0, 1-4, 5-9 ... 85+){sex_en}: death rates are the year's "
                "deaths / mean population by age; 1a0 by Andreev-Kingkade, 4a1 by Coale-Demeny, other groups half "
                "the interval, the open group 1/m",
                DEATHS_OF_BLOCK,
                2,
            )
            for age, key_age, age_zh, age_en in ((0, "birth", "出生时", "birth"), (60, "60", "60 岁", "60"))
            for suffix, sex_zh, sex_en in (
                ("", "", ""),
                ("_female", "女性", " (females)"),
                ("_male", "男性", " (males)"),
            )
        ),
        _share("share_0_14", "0-14 岁人口比重", "share aged 0-14", "0-14 岁", "0-14"),
        _share("share_15_59", "15-59 岁人口比重", "share aged 15-59", "15-59 岁", "15-59"),
        _share("share_15_64", "15-64 岁人口比重", "share aged 15-64", "15-64 岁", "15-64"),
        _share("share_60_plus", "60 岁及以上人口比重", "share aged 60+", "60 岁及以上", "60 and over"),
        _share("share_65_plus", "65 岁及以上人口比重", "share aged 65+", "65 岁及以上", "65 and over"),
        _share("share_80_plus", "80 岁及以上人口比重", "share aged 80+", "80 岁及以上", "80 and over"),
        _d(
            "population_60_plus",
            "60 岁及以上人口",
            "population aged 60+",
            PERSONS,
            "截至日 60 周岁及以上人数",
            "persons aged 60 and over on the as-of date",
            BLOCK_END,
        ),
        _d(
            "population_65_plus",
            "65 岁及以上人口",
            "population aged 65+",
            PERSONS,
            "截至日 65 周岁及以上人数",
            "persons aged 65 and over on the as-of date",
            BLOCK_END,
        ),
        _d(
            "child_dependency_ratio",
            "少儿抚养比",
            "child dependency ratio",
            PERCENT,
            "0-14 岁人口 / 15-64 岁人口 × 100",
            "persons aged 0-14 / persons aged 15-64 x 100",
            BLOCK_END,
            2,
            NO_WORKING,
        ),
        _d(
            "old_age_dependency_ratio",
            "老年抚养比",
            "old-age dependency ratio",
            PERCENT,
            "65 岁及以上人口 / 15-64 岁人口 × 100",
            "persons aged 65 and over / persons aged 15-64 x 100",
            BLOCK_END,
            2,
            NO_WORKING,
        ),
        _d(
            "total_dependency_ratio",
            "总抚养比",
            "total dependency ratio",
            PERCENT,
            "（0-14 岁 + 65 岁及以上人口）/ 15-64 岁人口 × 100",
            "(persons aged 0-14 + persons aged 65 and over) / persons aged 15-64 x 100",
            BLOCK_END,
            2,
            NO_WORKING,
        ),
        _d(
            "median_age",
            "年龄中位数",
            "median age",
            YEARS,
            "一半人口低于此年龄；在中位数所在的单岁组内线性插值",
            "half the population is younger; linear interpolation within the single year of age that holds it",
            BLOCK_END,
            2,
            NO_POPULATION,
        ),
        _d(
            "mean_age",
            "平均年龄",
            "mean age",
            YEARS,
            "各单岁组取组中值（x + 0.5）的平均年龄",
            "mean age with each single year of age at its mid-point (x + 0.5)",
            BLOCK_END,
            2,
            NO_POPULATION,
        ),
        _d(
            "sex_ratio",
            "总人口性别比",
            "sex ratio",
            Text("男性 / 100 女性", "males per 100 females"),
            "男性人数 / 女性人数 × 100",
            "males / females x 100",
            BLOCK_END,
            2,
            NO_FEMALES,
        ),
        _d(
            "urban_population",
            "城镇人口",
            "urban population",
            PERSONS,
            "居住地城乡分类代码为 1xx（城镇）的人数",
            "persons whose residence has an urban-rural code 1xx (urban)",
            BLOCK_END,
        ),
        _d(
            "urbanization_rate",
            "城镇化率",
            "urbanization rate",
            FRACTION,
            "城镇人口 / 有城乡分类代码的人口（无代码者不计入分母）",
            "urban persons / persons with an urban-rural code (persons without a code are left out)",
            BLOCK_END,
            4,
            NO_URBAN_CODE,
        ),
        _d(
            "households",
            "户数",
            "households",
            Text("户", "households"),
            "本口径人口中的不同户号数；一户按其成员所在的区归属（成员分属多区时取代码最小者）",
            "distinct household numbers among the block's persons; a household belongs to its members' district "
            "(the lowest code when they differ)",
            BLOCK_END,
        ),
        _d(
            "mean_household_size",
            "平均每户人口",
            "mean household size",
            Text("人/户", "persons per household"),
            "有户号的本口径人口 / 户数",
            "persons of the block with a household number / households",
            BLOCK_END,
            2,
            NO_HOUSEHOLDS,
        ),
        _d(
            "one_person_households",
            "一人户",
            "one-person households",
            Text("户", "households"),
            "本口径成员只有一人的户",
            "households with exactly one member in the block",
            BLOCK_END,
        ),
        _d(
            "elderly_only_households",
            "纯老年人户（空巢）",
            "elderly-only (empty-nest) households",
            Text("户", "households"),
            "本口径成员全部为 60 岁及以上的户",
            "households whose members in the block are all aged 60 and over",
            BLOCK_END,
        ),
        _d(
            "persons_without_household",
            "无户号人数",
            "persons without a household number",
            PERSONS,
            "本口径人口中没有户号者（如只有居住登记的流动人口），不计入户数",
            "persons of the block without a household number (e.g. floating persons known from residence "
            "registration only); they are not in any household",
            BLOCK_END,
        ),
        _d(
            "mean_years_of_schooling_working_age",
            "劳动年龄人口平均受教育年限",
            "mean years of schooling, working age",
            YEARS,
            "16-59 岁人口按文化程度折算受教育年限（未上学 0、小学 6、初中 9、高中 12、大专 15、本科 16、硕士 19、博士 22）"
            "的平均数，文化程度不详者不计",
            "mean of the years of schooling of persons aged 16-59 by education (none 0, primary 6, junior 9, "
            "senior 12, college 15, bachelor 16, master 19, doctor 22); persons with unknown education left out",
            Text("截至日本口径 16-59 岁人口", "the block's persons aged 16-59 on the as-of date"),
            2,
            NO_EDUCATION,
        ),
        _d(
            "migration",
            "户籍迁移（分年龄）",
            "hukou migration by age",
            Text("人次", "moves"),
            "本年户口迁入（含从市内其他区迁入）、迁出（含迁往市内其他区）人次及净迁入，按迁移时周岁分五岁组；"
            "以迁移事件前一日与当日的户籍所在地判断",
            "moves of hukou into the area (from outside the city or from another district) and out of it in the "
            "year, and net, by completed age at the move in five-year groups; judged by the hukou place the day "
            "before and on the day of the move event",
            Text("户籍人口", "registered population"),
        ),
        _d(
            "life_table_deaths",
            "生命表死亡人数",
            "deaths in the life table",
            PERSONS,
            "编制本口径生命表所用的死亡人数（女、男、合计）",
            "deaths used in the block's life tables (females, males, both)",
            DEATHS_OF_BLOCK,
        ),
    )
}

FLOATING_DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        _d(
            "population",
            "流动人口",
            "floating population",
            PERSONS,
            "截至日居住在本市（本区）、户口在本市以外的人数（不论居住时长）",
            "persons living in the city (district) on the as-of date whose hukou is elsewhere (any duration)",
            Text("流动人口", "floating population"),
        ),
        _d(
            "permit_holders",
            "居住证持有人数",
            "residence permit holders",
            PERSONS,
            "流动人口中居住证有效者",
            "floating persons holding a valid residence permit",
            Text("流动人口", "floating population"),
        ),
        _d(
            "permit_share",
            "持证率",
            "share holding a permit",
            FRACTION,
            "居住证持有人数 / 流动人口",
            "permit holders / floating population",
            Text("流动人口", "floating population"),
            4,
            NO_POPULATION,
        ),
        _d(
            "by_province_of_origin",
            "按户籍所在省分",
            "by province of hukou",
            PERSONS,
            "按户口所在地的省级区划代码（前两位）分组",
            "grouped by the province (first two digits) of the hukou place",
            Text("流动人口", "floating population"),
        ),
        _d(
            "by_years_of_residence",
            "按在本市居住时长分",
            "by time lived in the city",
            PERSONS,
            "按居住起始日期至截至日的整月数分组：不满半年、半年至 1 年、1-2 年 … 6 年及以上",
            "grouped by whole months from the start of residence to the as-of date: under half a year, half a year "
            "to 1 year, 1-2 years ... 6 years and over",
            Text("流动人口", "floating population"),
        ),
    )
}


def describe_all() -> dict[str, dict[str, object]]:
    """Every definition as JSON: ``{"registered/resident": {key: ...}, "floating": {key: ...}}``."""
    return {
        "registered_resident": {key: d.to_json() for key, d in DEFINITIONS.items()},
        "floating": {key: d.to_json() for key, d in FLOATING_DEFINITIONS.items()},
    }
