"""``renkou notify ...``: queue, deliver, list and re-queue the outbox's messages.

Delivery is a separate, repeatable step (run it from cron or a timer): each run sends what is due, schedules retries
with backoff, and moves messages that cannot be delivered to the dead-letter list; none is lost.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.notify.message import Message
    from renkou.notify.sms import SmsGateway

HELP = "通知发件箱：短信与电子邮件的排队、发送、重试和失败名单。\n\nNotification outbox: queue, send, retry and dead letters for SMS and e-mail."
OUTBOX_HELP = "发件箱文件（SQLite，不存在时新建）。\n\nOutbox file (SQLite; created when missing)."
JSON_HELP = "输出一个 JSON 对象。\n\nPrint one JSON object."
PASSWORD_ENV = "RENKOU_SMTP_PASSWORD"

OutboxOption = Annotated[Path, typer.Option("--outbox", help=OUTBOX_HELP)]
JsonOption = Annotated[bool, typer.Option("--json", help=JSON_HELP)]


def _row(message: Message) -> dict[str, Any]:
    from renkou.notify.message import mask_recipient

    return {
        "id": message.id,
        "topic": message.topic,
        "channel": message.channel.value,
        "to": mask_recipient(message.recipient),
        "reference": message.reference,
        "status": message.status.value,
        "attempts": message.attempts,
        "created_at": message.created_at.isoformat(timespec="seconds"),
        "next_attempt_at": message.next_attempt_at.isoformat(timespec="seconds"),
        "sent_at": message.sent_at.isoformat(timespec="seconds") if message.sent_at else None,
        "last_error": message.last_error,
    }


def load_gateway(spec: str) -> SmsGateway:
    """An SMS gateway adapter from ``module:factory`` (the factory is called without arguments)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UserError(
            f"选项 --sms-gateway 的取值 {spec!r} 应为 模块:工厂",
            f"option --sms-gateway: {spec!r} should be module:factory",
        )
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise UserError(f"无法加载短信网关 {spec}：{error}", f"cannot load the SMS gateway {spec}: {error}") from None
    gateway = factory()
    if not callable(getattr(gateway, "send_sms", None)):
        raise UserError(f"短信网关 {spec} 没有 send_sms 方法", f"the SMS gateway {spec} has no send_sms method")
    return gateway


def enqueue_command(
    outbox: OutboxOption,
    channel: Annotated[str, typer.Option("--channel", help="sms | email")],
    to: Annotated[str, typer.Option("--to", help="手机号码或电子邮箱。\n\nMobile number or e-mail address.")],
    body: Annotated[str, typer.Option("--body", help="正文。\n\nMessage text.")],
    topic: Annotated[
        str, typer.Option("--topic", help="类别，如 points.result。\n\nKind, e.g. points.result.")
    ] = "manual",
    subject: Annotated[str, typer.Option("--subject", help="邮件主题。\n\nE-mail subject.")] = "",
    key: Annotated[
        str | None, typer.Option("--key", help="去重键：同一键只入队一次。\n\nDedupe key: queued once per key.")
    ] = None,
    reference: Annotated[str, typer.Option("--reference", help="业务编号。\n\nCase reference.")] = "",
    as_json: JsonOption = False,
) -> None:
    """将一条通知放入发件箱。

    Put one notification into the outbox.
    """
    from renkou.notify.message import Channel, Notification
    from renkou.notify.outbox import Outbox

    try:
        kind = Channel(channel.strip().lower())
    except ValueError:
        raise UserError(
            f"选项 --channel 的取值 {channel!r} 应为 sms 或 email", f"option --channel: {channel!r} is not sms or email"
        ) from None
    with Outbox.open(outbox) as box:
        result = box.enqueue(Notification(topic, kind, to, body, subject=subject, dedupe_key=key, reference=reference))
    if as_json:
        print(json.dumps({"id": result.id, "created": result.created}))
        return
    print(f"{'已入队 / queued' if result.created else '已存在 / already queued'}: {result.id}")


def send_command(
    outbox: OutboxOption,
    smtp_host: Annotated[str | None, typer.Option("--smtp-host", help="SMTP 服务器。\n\nSMTP server host.")] = None,
    smtp_port: Annotated[int, typer.Option("--smtp-port", help="SMTP 端口。\n\nSMTP port.")] = 25,
    smtp_from: Annotated[
        str, typer.Option("--smtp-from", help="发件人地址。\n\nSender address.")
    ] = "noreply@renkou.invalid",
    smtp_security: Annotated[str, typer.Option("--smtp-security", help="none | starttls | tls")] = "none",
    smtp_user: Annotated[
        str | None,
        typer.Option(
            "--smtp-user",
            help=f"SMTP 用户名（密码取自环境变量 {PASSWORD_ENV}）。\n\nSMTP user (password from {PASSWORD_ENV}).",
        ),
    ] = None,
    sms_gateway: Annotated[
        str | None,
        typer.Option("--sms-gateway", help="短信网关适配器 模块:工厂。\n\nSMS gateway adapter as module:factory."),
    ] = None,
    sms_signature: Annotated[
        str, typer.Option("--sms-signature", help="短信签名。\n\nSMS signature.")
    ] = "【人口服务】",
    limit: Annotated[int, typer.Option("--limit", help="本次最多发送条数。\n\nAt most this many messages.")] = 1000,
    as_json: JsonOption = False,
) -> None:
    """发送到期的消息：失败的按退避重试，无法送达的进入失败名单；未配置发送方式的渠道保持排队。

    Deliver the due messages: failures retry with backoff, undeliverable ones become dead letters; channels without
    a configured sender stay queued.
    """
    from renkou.notify.dispatch import deliver
    from renkou.notify.mail import EmailSender, SmtpSettings
    from renkou.notify.message import Channel
    from renkou.notify.outbox import Outbox
    from renkou.notify.senders import Sender
    from renkou.notify.sms import SmsSender

    if smtp_security not in ("none", "starttls", "tls"):
        raise UserError(
            f"选项 --smtp-security 的取值 {smtp_security!r} 无效",
            f"option --smtp-security: {smtp_security!r} is not none, starttls or tls",
        )
    if limit < 1:
        raise UserError(f"选项 --limit 的取值 {limit} 应为正数", f"option --limit: {limit} must be positive")
    senders: dict[Channel, Sender] = {}
    if smtp_host:
        settings = SmtpSettings(
            host=smtp_host,
            port=smtp_port,
            sender=smtp_from,
            security=smtp_security,  # type: ignore[arg-type]
            username=smtp_user,
            password=os.environ.get(PASSWORD_ENV),
        )
        senders[Channel.EMAIL] = EmailSender(settings)
    if sms_gateway:
        senders[Channel.SMS] = SmsSender(load_gateway(sms_gateway), signature=sms_signature)
    with Outbox.open(outbox) as box:
        report = deliver(box, senders, limit=limit)
        counts = box.counts()
    idle = [channel.value for channel in Channel if channel not in senders]
    if as_json:
        print(json.dumps({**report.to_json(), "outbox": counts, "channels_without_sender": idle}, ensure_ascii=False))
        return
    print(
        f"发送 / sent: {report.sent}  待重试 / retrying: {report.retrying}  失败 / dead: {report.dead}  "
        f"（发件箱 / outbox: {counts}）"
    )
    for channel in idle:
        print(
            f"提示 / note: 未配置 {channel} 发送方式，该渠道消息保持排队 / no {channel} sender: those messages stay queued"
        )


def list_command(
    outbox: OutboxOption,
    status: Annotated[str | None, typer.Option("--status", help="pending | sending | sent | dead")] = None,
    limit: Annotated[int, typer.Option("--limit", help="最多显示条数。\n\nAt most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """列出发件箱中的消息（收件人已脱敏）；--status dead 为失败名单。

    List the outbox's messages (recipients masked); --status dead is the dead-letter list.
    """
    from renkou.notify.message import MessageStatus
    from renkou.notify.outbox import Outbox

    try:
        wanted = MessageStatus(status) if status else None
    except ValueError:
        raise UserError(
            f"选项 --status 的取值 {status!r} 无效",
            f"option --status: {status!r} is not pending, sending, sent or dead",
        ) from None
    with Outbox.open(outbox) as box:
        rows = [_row(message) for message in box.messages(wanted, limit=limit)]
        counts = box.counts()
    if as_json:
        print(json.dumps({"counts": counts, "messages": rows}, ensure_ascii=False))
        return
    for row in rows:
        print(
            f"{row['id']}\t{row['status']}\t{row['channel']}\t{row['to']}\t{row['topic']}\t{row['reference']}\t"
            f"attempts={row['attempts']}\t{row['last_error'] or ''}"
        )
    print(f"合计 / counts: {counts}")


def retry_command(
    outbox: OutboxOption,
    ids: Annotated[
        list[int] | None, typer.Option("--id", help="消息编号（可重复）。\n\nMessage id (repeatable).")
    ] = None,
    all_dead: Annotated[bool, typer.Option("--all", help="全部失败消息。\n\nEvery dead letter.")] = False,
) -> None:
    """将失败名单中的消息重新排队（重新计算尝试次数）。

    Queue dead letters again (with a fresh attempt count).
    """
    from renkou.notify.outbox import Outbox

    if not ids and not all_dead:
        raise UserError("请给出 --id 或 --all", "give --id or --all")
    with Outbox.open(outbox) as box:
        count = box.requeue(None if all_dead else ids)
    print(f"重新排队 / queued again: {count}")


def register(app: typer.Typer) -> None:
    """Add the ``notify`` command group to the main CLI."""
    sub = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None)
    sub.command("enqueue", help="将一条通知放入发件箱。\n\nQueue one notification.")(enqueue_command)
    sub.command("send", help="发送到期消息（重试、失败名单）。\n\nDeliver due messages (retries, dead letters).")(
        send_command
    )
    sub.command("list", help="列出消息与失败名单。\n\nList messages and dead letters.")(list_command)
    sub.command("retry", help="失败消息重新排队。\n\nQueue dead letters again.")(retry_command)
    app.add_typer(sub, name="notify", help=HELP)
