"""``renkou notify ...``: queue, deliver to a real SMTP server on 127.0.0.1, dead letters, retry, errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from notify_smtp_server import SmtpServer

from renkou.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    argv, sys.argv = sys.argv, ["renkou", *args]
    try:
        main()
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_queue_send_dead_letter_and_retry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, smtp_server: SmtpServer
) -> None:
    box = str(tmp_path / "outbox.sqlite")
    smtp_server.script.refuse["gone@example.cn"] = "550 5.1.1 no such user"
    for to in ("ok@example.cn", "gone@example.cn"):
        code, out, _ = run(
            capsys, "notify", "enqueue", "--outbox", box, "--channel", "email", "--to", to,
            "--body", "积分结果已公示", "--subject", "积分结果", "--topic", "points.result", "--key", f"r-{to}", "--json",
        )  # fmt: skip
        assert code == 0 and json.loads(out)["created"]
    code, out, _ = run(capsys, "notify", "enqueue", "--outbox", box, "--channel", "email", "--to", "ok@example.cn",
                       "--body", "again", "--key", "r-ok@example.cn")  # fmt: skip
    assert "already queued" in out
    smtp = ("--smtp-host", "127.0.0.1", "--smtp-port", str(smtp_server.port), "--smtp-from", "points@renkou.example")
    code, out, _ = run(capsys, "notify", "send", "--outbox", box, *smtp, "--json")
    report = json.loads(out)
    assert (report["sent"], report["dead"], report["outbox"]["dead"]) == (1, 1, 1)
    assert [r.recipients for r in smtp_server.received] == [["ok@example.cn"]]
    code, out, _ = run(capsys, "notify", "list", "--outbox", box, "--status", "dead", "--json")
    [dead] = json.loads(out)["messages"]
    assert dead["to"] == "g***@example.cn" and "550" in dead["last_error"]
    # The address is fixed on the server's side; the officer queues the dead letter again and it goes out.
    del smtp_server.script.refuse["gone@example.cn"]
    code, out, _ = run(capsys, "notify", "retry", "--outbox", box, "--all")
    assert code == 0 and "1" in out
    code, out, _ = run(capsys, "notify", "send", "--outbox", box, *smtp, "--json")
    assert json.loads(out)["outbox"] == {"pending": 0, "sending": 0, "sent": 2, "dead": 0}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("enqueue", "--channel", "fax", "--to", "x", "--body", "y"), "--channel: 'fax'"),
        (("enqueue", "--channel", "sms", "--to", "123", "--body", "y"), "invalid mobile number"),
        (("send", "--sms-gateway", "no_such_module:Gateway"), "cannot load the SMS gateway"),
        (("send", "--sms-gateway", "renkou.notify.sms"), "module:factory"),
        (("send", "--smtp-security", "ssl3"), "--smtp-security"),
        (("list", "--status", "lost"), "--status: 'lost'"),
        (("retry",), "give --id or --all"),
        (("retry", "--id", "42"), "no message 42"),
    ],
)
def test_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    code, _, err = run(capsys, "notify", args[0], "--outbox", str(tmp_path / "o.sqlite"), *args[1:])
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1 and lines[0].startswith("错误 / error:") and fragment in lines[0], err
