"""Life tables against published worked examples, typed in from the printed tables with their sources.

1. Preston, Heuveline & Guillot, *Demography: Measuring and Modeling Population Processes*, Blackwell, 2001 (1st ed.),
   chapter 3, Box 3.1 (pp. 49-51): abridged period life table, Austria, males, 1992 (data: United Nations 1994), with
   given nax. Inputs (deaths, mid-year population, nax) and the printed lx, ndx, nLx are typed from the box; the same
   numbers are transcribed in the demCore R package (ihmeuw-demographics, data-raw/austria_1992_lt.R) and lx again in
   the pash R package (R/example_data.R, "p. 51"), which agree with each other.
2. Human Mortality Database, Sweden, Life tables (period 1x1), Females, year 1930 (Methods Protocol v6; file
   SWE.fltper_1x1.txt, last modified 26 Sep 2017), www.mortality.org, data under CC BY 4.0: a complete (single-year)
   table whose ax the table computes itself (1a0 by Andreev-Kingkade from 1m0, 0.5 at ages 1-109, 1/m at 110+).
"""

from __future__ import annotations

import numpy as np
import pytest

from renkou.stats.lifetable import LifeTable, life_table, life_table_from_deaths

# --- Preston et al. (2001), Box 3.1: Austria, males, 1992 -------------------------------------------------------------
AUSTRIA_AGES = [0, 1, *range(5, 90, 5)]
AUSTRIA_INTERVALS: list[float | None] = [1, 4, *[5] * 16, None]
AUSTRIA_DEATHS = [419, 70, 36, 46, 249, 420, 403, 441, 508, 769, 1154, 1866, 2043, 3496, 4366, 4337, 5279, 6460, 6146]
AUSTRIA_POPULATION = [
    47925, 189127, 234793, 238790, 254996, 326831, 355086, 324222, 269963,
    261971, 238011, 261612, 181385, 187962, 153832, 105169, 73694, 57512, 32248,
]  # fmt: skip
AUSTRIA_AX = [
    0.068, 1.626, 2.5, 3.143, 2.724, 2.520, 2.481, 2.601, 2.701, 2.663,
    2.698, 2.676, 2.645, 2.624, 2.619, 2.593, 2.518, 2.423, 5.247,
]  # fmt: skip
PRINTED_LX = [
    100000, 99133, 98986, 98910, 98815, 98334, 97704, 97151, 96492, 95588,
    94195, 91937, 88711, 83845, 76377, 66225, 53803, 37441, 21134,
]  # fmt: skip
PRINTED_DX = [
    867, 147, 76, 95, 481, 630, 553, 659, 904, 1393,
    2258, 3225, 4867, 7467, 10152, 12422, 16362, 16307, 21134,
]  # fmt: skip
PRINTED_LLX = [
    99192, 396183, 494741, 494375, 492980, 490106, 487127, 484175, 480384, 474686,
    465777, 452188, 432096, 401480, 357713, 301224, 228404, 145182, 110889,
]  # fmt: skip


@pytest.fixture(scope="module")
def austria() -> LifeTable:
    return life_table_from_deaths(
        AUSTRIA_AGES, AUSTRIA_INTERVALS, AUSTRIA_DEATHS, AUSTRIA_POPULATION, AUSTRIA_AX, sex="M"
    )


def test_box_3_1_survivors_deaths_and_person_years_to_the_printed_unit(austria: LifeTable) -> None:
    """Preston et al. 2001, Box 3.1: lx, ndx and nLx rounded to whole persons equal the printed columns."""
    np.testing.assert_array_equal(np.round(austria.lx), PRINTED_LX)
    np.testing.assert_array_equal(np.round(austria.dx), PRINTED_DX)
    np.testing.assert_array_equal(np.round(austria.Lx), PRINTED_LLX)


def test_box_3_1_rates_and_open_group(austria: LifeTable) -> None:
    """Box 3.1: nmx = deaths / population (e.g. 1m0 = 419 / 47925 = 0.008743); the open group 85+ has q = 1,
    d = l and nax = 1/m = 5.247 as printed."""
    assert austria.mx[0] == pytest.approx(0.008743, abs=5e-7)
    assert austria.qx[-1] == 1.0
    assert austria.dx[-1] == austria.lx[-1]
    assert round(austria.ax[-1], 3) == 5.247


def test_box_3_1_person_years_above_and_life_expectancy_follow_from_the_printed_nlx(austria: LifeTable) -> None:
    """Tx is the sum of nLx from x up: compare with the sum of the printed (rounded) nLx, which can differ by half a
    person per summed term; ex = Tx / lx within the bounds those roundings allow."""
    printed_tx = np.cumsum(np.array(PRINTED_LLX[::-1], dtype=float))[::-1]
    terms = np.arange(len(PRINTED_LLX), 0, -1)
    assert np.all(np.abs(austria.Tx - printed_tx) <= 0.5 * terms)
    low = (printed_tx - 0.5 * terms) / (np.array(PRINTED_LX) + 0.5)
    high = (printed_tx + 0.5 * terms) / (np.array(PRINTED_LX) - 0.5)
    assert np.all((low <= austria.ex) & (austria.ex <= high))
    assert round(austria.e0, 2) == 72.89


def test_box_3_1_from_rates_gives_the_same_table(austria: LifeTable) -> None:
    """The projection engineer's path (rates instead of counts) gives the same table."""
    rates = np.array(AUSTRIA_DEATHS) / np.array(AUSTRIA_POPULATION)
    again = life_table(AUSTRIA_AGES, AUSTRIA_INTERVALS, rates, AUSTRIA_AX, sex="M")
    np.testing.assert_allclose(again.Lx, austria.Lx, rtol=1e-13)
    np.testing.assert_allclose(again.ex, austria.ex, rtol=1e-13)


# --- Human Mortality Database: Sweden, females, 1930, complete table ------------------------------------------------
# Columns as printed: age, mx, qx, ax, lx, dx, Lx, Tx, ex (age 110 is the open group 110+).
SWEDEN_1930_FEMALES = """
   0  0.04969  0.04788  0.24  100000   4788  96359  6419262  64.19
   1  0.00684  0.00682  0.50   95212    649  94887  6322903  66.41
   2  0.00363  0.00362  0.50   94563    343  94391  6228016  65.86
   3  0.00227  0.00226  0.50   94220    213  94113  6133624  65.10
   4  0.00218  0.00218  0.50   94007    205  93904  6039511  64.25
   5  0.00173  0.00173  0.50   93802    162  93721  5945607  63.38
   6  0.00174  0.00173  0.50   93640    162  93559  5851886  62.49
   7  0.00149  0.00149  0.50   93478    140  93408  5758327  61.60
   8  0.00156  0.00156  0.50   93338    146  93265  5664919  60.69
   9  0.00163  0.00163  0.50   93192    152  93116  5571654  59.79
  10  0.00154  0.00154  0.50   93040    143  92969  5478537  58.88
  11  0.00165  0.00164  0.50   92897    153  92820  5385569  57.97
  12  0.00128  0.00128  0.50   92744    118  92685  5292748  57.07
  13  0.00141  0.00140  0.50   92626    130  92561  5200064  56.14
  14  0.00188  0.00188  0.50   92496    174  92409  5107503  55.22
  15  0.00205  0.00205  0.50   92322    189  92227  5015094  54.32
  16  0.00301  0.00301  0.50   92132    277  91994  4922867  53.43
  17  0.00343  0.00342  0.50   91855    314  91698  4830874  52.59
  18  0.00375  0.00374  0.50   91541    342  91369  4739176  51.77
  19  0.00352  0.00352  0.50   91198    321  91038  4647807  50.96
  20  0.00390  0.00389  0.50   90878    354  90701  4556769  50.14
  21  0.00394  0.00394  0.50   90524    356  90346  4466068  49.34
  22  0.00414  0.00414  0.50   90167    373  89981  4375723  48.53
  23  0.00387  0.00386  0.50   89795    347  89621  4285742  47.73
  24  0.00338  0.00338  0.50   89448    302  89297  4196121  46.91
  25  0.00357  0.00356  0.50   89145    318  88987  4106824  46.07
  26  0.00394  0.00393  0.50   88828    349  88653  4017837  45.23
  27  0.00409  0.00408  0.50   88479    361  88298  3929184  44.41
  28  0.00409  0.00408  0.50   88118    359  87938  3840886  43.59
  29  0.00396  0.00395  0.50   87758    347  87585  3752948  42.76
  30  0.00385  0.00384  0.50   87411    336  87243  3665363  41.93
  31  0.00436  0.00436  0.50   87076    379  86886  3578120  41.09
  32  0.00392  0.00391  0.50   86696    339  86527  3491233  40.27
  33  0.00418  0.00417  0.50   86358    360  86178  3404706  39.43
  34  0.00407  0.00407  0.50   85997    350  85823  3318529  38.59
  35  0.00422  0.00421  0.50   85648    360  85468  3232706  37.74
  36  0.00442  0.00441  0.50   85287    376  85099  3147239  36.90
  37  0.00404  0.00403  0.50   84911    342  84740  3062139  36.06
  38  0.00496  0.00494  0.50   84569    418  84360  2977399  35.21
  39  0.00485  0.00483  0.50   84151    407  83948  2893039  34.38
  40  0.00472  0.00471  0.50   83744    394  83547  2809091  33.54
  41  0.00540  0.00539  0.50   83350    449  83126  2725544  32.70
  42  0.00472  0.00471  0.50   82901    390  82706  2642418  31.87
  43  0.00555  0.00553  0.50   82511    456  82283  2559711  31.02
  44  0.00490  0.00489  0.50   82055    401  81854  2477429  30.19
  45  0.00634  0.00632  0.50   81653    516  81395  2395575  29.34
  46  0.00617  0.00615  0.50   81137    499  80888  2314179  28.52
  47  0.00628  0.00626  0.50   80638    505  80386  2233292  27.70
  48  0.00732  0.00729  0.50   80134    584  79841  2152906  26.87
  49  0.00684  0.00681  0.50   79549    542  79278  2073065  26.06
  50  0.00852  0.00849  0.50   79007    671  78672  1993786  25.24
  51  0.00912  0.00908  0.50   78337    711  77981  1915114  24.45
  52  0.00911  0.00907  0.50   77626    704  77274  1837133  23.67
  53  0.01005  0.01000  0.50   76922    769  76537  1759860  22.88
  54  0.01047  0.01042  0.50   76152    793  75755  1683323  22.10
  55  0.01040  0.01034  0.50   75359    780  74969  1607568  21.33
  56  0.01011  0.01006  0.50   74579    750  74204  1532599  20.55
  57  0.01370  0.01360  0.50   73829   1004  73327  1458395  19.75
  58  0.01347  0.01338  0.50   72825    975  72338  1385068  19.02
  59  0.01347  0.01338  0.50   71850    961  71370  1312730  18.27
  60  0.01594  0.01581  0.50   70889   1121  70328  1241361  17.51
  61  0.01659  0.01645  0.50   69768   1148  69194  1171032  16.78
  62  0.01686  0.01672  0.50   68620   1147  68047  1101838  16.06
  63  0.02041  0.02020  0.50   67473   1363  66792  1033791  15.32
  64  0.02326  0.02299  0.50   66110   1520  65350   967000  14.63
  65  0.02438  0.02408  0.50   64590   1556  63812   901650  13.96
  66  0.02815  0.02776  0.50   63034   1750  62159   837838  13.29
  67  0.03107  0.03059  0.50   61284   1875  60347   775679  12.66
  68  0.03073  0.03027  0.50   59410   1798  58510   715332  12.04
  69  0.03590  0.03527  0.50   57611   2032  56595   656821  11.40
  70  0.04168  0.04083  0.50   55579   2269  54445   600226  10.80
  71  0.04502  0.04403  0.50   53310   2347  52137   545781  10.24
  72  0.04985  0.04864  0.50   50963   2479  49724   493645   9.69
  73  0.05130  0.05001  0.50   48484   2425  47272   443921   9.16
  74  0.05724  0.05565  0.50   46059   2563  44778   396649   8.61
  75  0.06386  0.06189  0.50   43496   2692  42150   351872   8.09
  76  0.07453  0.07185  0.50   40804   2932  39338   309722   7.59
  77  0.07912  0.07611  0.50   37872   2882  36431   270383   7.14
  78  0.08963  0.08579  0.50   34990   3002  33489   233952   6.69
  79  0.10171  0.09679  0.50   31988   3096  30440   200463   6.27
  80  0.11756  0.11103  0.50   28892   3208  27288   170022   5.88
  81  0.11710  0.11063  0.50   25684   2841  24264   142734   5.56
  82  0.13393  0.12552  0.50   22843   2867  21409   118470   5.19
  83  0.14085  0.13158  0.50   19976   2628  18661    97061   4.86
  84  0.15921  0.14747  0.50   17347   2558  16068    78400   4.52
  85  0.17493  0.16086  0.50   14789   2379  13599    62332   4.21
  86  0.19601  0.17852  0.50   12410   2215  11302    48732   3.93
  87  0.21865  0.19710  0.50   10195   2009   9190    37430   3.67
  88  0.22383  0.20130  0.50    8185   1648   7361    28240   3.45
  89  0.26787  0.23623  0.50    6537   1544   5765    20879   3.19
  90  0.28474  0.24926  0.50    4993   1245   4371    15113   3.03
  91  0.27819  0.24422  0.50    3749    915   3291    10742   2.87
  92  0.32955  0.28293  0.50    2833    802   2432     7452   2.63
  93  0.35709  0.30299  0.50    2032    616   1724     5019   2.47
  94  0.38428  0.32235  0.50    1416    456   1188     3296   2.33
  95  0.41222  0.34178  0.50     960    328    796     2108   2.20
  96  0.44074  0.36115  0.50     632    228    518     1312   2.08
  97  0.46965  0.38034  0.50     403    153    327      795   1.97
  98  0.49877  0.39921  0.50     250    100    200      468   1.87
  99  0.52789  0.41765  0.50     150     63    119      268   1.78
 100  0.55683  0.43556  0.50      87     38     68      149   1.70
 101  0.58539  0.45284  0.50      49     22     38       80   1.63
 102  0.61338  0.46942  0.50      27     13     21       42   1.56
 103  0.64064  0.48522  0.50      14      7     11       22   1.50
 104  0.66703  0.50020  0.50       7      4      6       11   1.45
 105  0.69241  0.51434  0.50       4      2      3        5   1.40
 106  0.71667  0.52761  0.50       2      1      1        2   1.36
 107  0.73974  0.54001  0.50       1      0      1        1   1.32
 108  0.76156  0.55154  0.50       0      0      0        1   1.29
 109  0.78209  0.56223  0.50       0      0      0        0   1.27
 110  0.80131  1.00000  1.25       0      0      0        0   1.25
"""
PRINTED = np.array([line.split() for line in SWEDEN_1930_FEMALES.strip().splitlines()], dtype=float)
HMD_AGE, HMD_MX, HMD_QX, HMD_AX, HMD_LX, HMD_DX, HMD_LLX, HMD_TX, HMD_EX = PRINTED.T
HMD_INTERVALS: list[float | None] = [1.0] * 110 + [None]
# mx is printed to 5 decimals: the true rate lies within half a unit of the last digit.
MX_ROUNDING = 0.5e-5


def _hmd_table(mx: np.ndarray) -> LifeTable:
    return life_table(HMD_AGE, HMD_INTERVALS, mx, sex="F")


@pytest.fixture(scope="module")
def sweden() -> LifeTable:
    return _hmd_table(HMD_MX)


def test_hmd_sweden_1930_chosen_ax_matches_the_printed_ax(sweden: LifeTable) -> None:
    """HMD Sweden F 1930: the table's own ax (1a0 by Andreev-Kingkade from 1m0 = 0.04969: 0.04667 + 3.88089 m0 =
    0.2395; 0.5 at ages 1-109; 1/m = 1.25 at 110+) equals the printed ax to 2 decimals at every age."""
    np.testing.assert_array_equal(np.round(sweden.ax, 2), HMD_AX)
    assert sweden.ax[0] == pytest.approx(0.04667 + 3.88089 * 0.04969, abs=1e-12)


def test_hmd_sweden_1930_life_expectancy_to_the_printed_precision_at_every_age(sweden: LifeTable) -> None:
    """HMD Sweden F 1930: ex rounded to 2 decimals equals the printed ex at all 111 ages (e0 = 64.19)."""
    np.testing.assert_array_equal(np.round(sweden.ex, 2), HMD_EX)
    assert round(sweden.e0, 2) == 64.19


def test_hmd_sweden_1930_other_columns_within_what_the_printed_rates_allow(sweden: LifeTable) -> None:
    """qx, lx, nLx and Tx fall with every mx, so the tables at mx -/+ half a printed unit bound the exact ones; the
    printed values (themselves rounded) must lie inside these bounds widened by their own half unit."""
    low_rates = _hmd_table(np.maximum(HMD_MX - MX_ROUNDING, 0.0))
    high_rates = _hmd_table(HMD_MX + MX_ROUNDING)
    assert np.all(low_rates.lx >= sweden.lx) and np.all(sweden.lx >= high_rates.lx)
    for column, printed, half_unit in (
        ("qx", HMD_QX, 0.5e-5),
        ("lx", HMD_LX, 0.5),
        ("Lx", HMD_LLX, 0.5),
        ("Tx", HMD_TX, 0.5),
    ):
        low = np.minimum(getattr(low_rates, column), getattr(high_rates, column)) - half_unit
        high = np.maximum(getattr(low_rates, column), getattr(high_rates, column)) + half_unit
        outside = np.flatnonzero((printed < low - 1e-9) | (printed > high + 1e-9))
        assert outside.size == 0, f"{column} outside the bounds at ages {HMD_AGE[outside]}"
