"""Masked IDs and names: the vectorised forms agree with renkou.ids.mask and the per-name rule."""

from __future__ import annotations

import pyarrow as pa

from renkou.ids import mask
from renkou.points.masking import mask_ids, mask_name, mask_names


def test_vectorised_id_mask_equals_renkou_ids_mask() -> None:
    ids = [
        "11010519491231002X",
        "110105 1949 1231 002x",
        "４４０１０６１９９００１０１００１５",
        "12345",
        "",
        "440106199001010015",
    ]
    assert mask_ids(pa.array(ids)).to_pylist() == [mask(i) for i in ids]
    assert mask_ids(pa.array(ids)).to_pylist()[0] == "110105********002X"


def test_names_keep_the_surname_only() -> None:
    names = ["张三", "张三丰", "欧阳娜娜", "欧阳", "司马光", " 李四 ", "", "Wang Wu"]
    expected = ["张*", "张*", "欧阳*", "欧*", "司马*", "李*", "", "W*"]
    assert [mask_name(n) for n in names] == expected
    assert mask_names(pa.array(names)).to_pylist() == expected


def test_fixed_width_fast_path_equals_renkou_ids_mask_also_on_slices() -> None:
    ids = [f"44010619900101{n:03d}{'X' if n % 11 == 0 else n % 10}" for n in range(200)]
    array = pa.array(ids)
    assert mask_ids(array).to_pylist() == [mask(i) for i in ids]
    # A slice has an offset into the same buffers.
    assert mask_ids(array.slice(37, 50)).to_pylist() == [mask(i) for i in ids[37:87]]
