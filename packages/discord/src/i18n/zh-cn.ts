// 简体中文文本：与 en.ts 的键和 {占位符} 一一对应（i18n.test.ts 会检查）。
// 命令写成中文名，后面括号里附英文名：英文客户端的用户看到的是英文命令名。
import type { MessageKey } from './en.ts';

export const ZH_CN: Record<MessageKey, string> = {
  // ---- 通用 ----------------------------------------------------------------------------------
  'error.prefix': '⚠️ {text}',
  'error.unexpected':
    '❌ 出了点问题（参考编号 `{ref}`）。请重试；如果一直出现，请告诉服务器管理员并附上参考编号。',
  'error.notInGuild': 'Troupe 只能在添加了它（带 `bot` 权限范围）的服务器里使用。',
  'error.unknownCommand':
    'Troupe 不认识这个命令：命令列表可能过时了。请让运行机器人的人执行 `pnpm deploy-commands`。',
  'error.unknownSubcommand':
    '未知的子命令 {sub}。命令列表可能过时了：请让运行机器人的人执行 `pnpm deploy-commands`。',
  'error.unknownPersona': '这里没有叫 {id} 的角色。可用的角色 ID 见 `/角色 列表`（`/persona list`）。',
  'error.notThisServer': '<#{channel}> 不是本服务器的频道。请从列表里选择本服务器的频道。',
  'error.adminOnly':
    '只有服务器管理员（拥有“管理服务器”权限）才能{action}。请联系管理员，或请管理员授予你“管理服务器”权限。',
  'error.needsRole':
    '在本服务器切换角色需要 <@&{role}> 身份组。请向管理员申请（管理员用 `/设置 切换权限` 设置）。',
  'action.settings': '修改 Troupe 设置',
  'action.import': '导入角色',
  'action.remove': '删除角色',
  'error.noSession': '本服务器目前没有角色在语音频道里。用 `/加入`（`/join`）开始。',
  'error.buttonExpired': '这些按钮属于一条旧消息。请重新执行命令。',
  'perm.ViewChannel': '查看频道',
  'perm.Connect': '连接',
  'perm.Speak': '说话',
  'perm.SendMessages': '发送消息',
  'list.separator': '、',
  'posted.public': '<#{channel}> 里的每个人都能在频道聊天中看到这条消息。',

  // ---- /加入、/离开 ------------------------------------------------------------------------
  'join.notVoice': '{name} 不是语音频道。请为 `频道` 选择一个语音频道。',
  'join.noChannel': '请先进入一个语音频道，或用 `/加入 频道:<语音频道>` 指定一个。',
  'join.alreadyHere': '{persona} 已经在 <#{channel}> 里了。用 `/角色 切换` 更换角色。',
  'join.alreadyElsewhere': '{persona} 正在 <#{channel}> 里聊天。请先用 `/离开`，再重新 `/加入`。',
  'join.missingPermissions':
    '我需要在 <#{channel}> 拥有 {permissions} 权限（用于连接、说话，以及发布告诉大家有 AI 在收听的通知）。请服务器管理员给我的身份组授予该权限（频道设置 → 权限）。',
  'join.noticeFailed':
    '我无法在 <#{channel}> 发布告诉大家有 AI 在收听的通知，所以我又离开了。请服务器管理员给我的身份组在该频道授予“发送消息”权限。',
  'join.timeout': '我没能及时连接到 <#{channel}>。Discord 语音可能出了问题；请一分钟后再试 `/加入`。',
  'join.modelFailed': '我加入了，但是{reason}。',
  'join.heldElsewhere':
    '本机器人的另一个实例正在运行本服务器的语音会话（在 <#{channel}>）。请在 {seconds} 秒后再试 `/加入`；如果一直这样，请告诉运行机器人的人。',
  'join.storeUnavailable':
    '我连不上自己的数据库，无法开始语音会话。请一分钟后再试 `/加入`；如果一直这样，请告诉运行机器人的人。',
  'join.queued': '⏳ 正在加入 <#{channel}>… Discord 限制了机器人加入语音频道的速度，最多可能需要一分钟。',
  'join.done': '🎭 **{persona}** 加入了 <#{channel}>。直接说话吧！`/语音 状态` 可以看到谁被听到了。',
  'join.notice':
    '🎙️ **{persona}**（一个 AI 角色）正在这个语音频道里收听（由 {user} 开启）。\n你在这里说的话会发送到阶跃星辰（StepFun）的语音模型，好让角色回答；机器人不保存任何音频。\n不想被收听？用 `/语音 不收听我`（`/voice optout`），你的声音就绝不会被转发。详情：`/隐私`（`/privacy`）· 结束：`/离开`（`/leave`）。',
  'join.noticeRestored':
    '🎙️ **{persona}**（一个 AI 角色）在重启后回来了，正在这个语音频道里收听。\n你在这里说的话会发送到阶跃星辰（StepFun）的语音模型，好让角色回答；机器人不保存任何音频。\n不想被收听？用 `/语音 不收听我`（`/voice optout`），你的声音就绝不会被转发。详情：`/隐私`（`/privacy`）· 结束：`/离开`（`/leave`）。',
  'join.noticeTranscripts': '文字记录已开启：这里说的话也会以文字形式发到 <#{channel}>。',
  'leave.done': '👋 {persona} 离开了语音频道 <#{channel}>。',
  'leave.notice': '👋 **{persona}** 离开了这个语音频道，不再收听（由 {user} 结束）。',

  // ---- /角色 -----------------------------------------------------------------------------------
  'persona.list.title': '本服务器的角色',
  'persona.list.footer': '第 {page}/{pages} 页 · 共 {count} 个角色 · 用 /角色 切换 更换',
  'persona.list.tag.imported': '导入',
  'persona.list.tag.default': '默认',
  'persona.list.tag.active': '正在聊天',
  'persona.list.prev': '上一页',
  'persona.list.next': '下一页',
  'persona.show.source.builtin': '内置',
  'persona.show.source.guild': '导入到本服务器',
  'persona.show.language': '语言',
  'persona.show.voice': '音色',
  'persona.show.source': '来源',
  'persona.show.greeting': '开场白',
  'persona.show.style': '说话风格',
  'persona.show.pace': '语速',
  'persona.show.use': '使用：`/加入 角色:{id}` 或 `/角色 切换 角色:{id}`',
  'persona.set.noSession': '现在没有角色在语音频道里。用 `/加入 角色:{id}` 以 {persona} 开始。',
  'persona.set.already': '{persona} 已经是当前角色了。',
  'persona.set.endedMeanwhile':
    '切换到 {persona} 完成之前会话已经结束（有人用了 `/离开`）。用 `/加入 角色:{id}` 以 {persona} 重新开始。',
  'persona.set.done': '🎭 已切换到 **{persona}**。',
  'persona.set.notice':
    '🎭 {user} 把角色换成了 **{persona}**（仍然是 AI）。对话继续；不想被收听可以用 `/语音 不收听我`（`/voice optout`）。',
  'persona.set.noticeNewVoice':
    '🎭 {user} 把角色换成了 **{persona}**（仍然是 AI），换了新音色：模型已带着之前的对话重新连接。不想被收听可以用 `/语音 不收听我`（`/voice optout`）。',
  'persona.import.tooLarge': '这个文件有 {size} KiB；角色卡最大 {max} KiB。请导出更小的 PNG 或 JSON 角色卡。',
  'persona.import.largerThanSaid':
    '这个文件比 Discord 报告的更大；角色卡最大 {max} KiB。请导出更小的 PNG 或 JSON 角色卡。',
  'persona.import.downloadFailed': '无法从 Discord 下载附件。请重新上传。',
  'persona.import.badFile': '这个文件不可能是角色卡：{reason}',
  'persona.import.notACard':
    '这不是可用的角色卡（SillyTavern V1、V2 或 V3）：{reason}。请在 SillyTavern 里重新导出为 JSON 或 PNG。',
  'persona.import.done':
    '📥 已导入 **{persona}**，ID 为 `{id}`（音色 `{voice}`，{language}）。只有本服务器可以使用：`/加入 角色:{id}`。',
  'persona.import.unchanged':
    '**{persona}** 已经以 `{id}` 导入过了；没有任何改动。用 `/加入 角色:{id}` 使用它。',
  'persona.import.doneBesides':
    '📥 已导入 **{persona}**，ID 为 `{id}`（音色 `{voice}`，{language}）：`{wanted}` 已被 **{existing}** 占用，它保持不变。只有本服务器可以使用：`/加入 角色:{id}`。如果想替换 `{wanted}`，请用 `替换:True` 重新导入。',
  'persona.import.replaced':
    '📥 已把 `{id}`（原来是 **{existing}**）替换为 **{persona}**（音色 `{voice}`，{language}）。',
  'persona.import.replacedLive':
    '{existing} 正在 <#{channel}> 里聊天，会继续使用旧角色卡，直到 `/角色 切换 角色:{id}` 或下一次 `/加入`。',
  'persona.import.voiceWarning':
    '⚠️ `{voice}` 不是我认识的 StepFun 音色 ID。如果是克隆音色就没问题；否则你是不是想用 `{closest}`？',
  'persona.import.voiceWarningNoGuess':
    '⚠️ `{voice}` 不是我认识的 StepFun 音色 ID。如果是克隆音色就没问题；否则请检查拼写。',
  'persona.remove.builtin': '`{id}` 是内置角色，不能删除；只能删除导入的角色。',
  'persona.remove.talking': '{persona} 正在聊天。请先切换角色或 `/离开`。',
  'persona.remove.done': '🗑️ 已从本服务器删除 **{persona}**（`{id}`）。',

  // ---- /语音 ----------------------------------------------------------------------------------
  'voice.optout.done':
    '🔇 好了：在本服务器，你的声音不会再发送给角色（立即生效）。`/语音 收听我`（`/voice optin`）可以撤销。',
  'voice.optin.done': '🔊 好了：在本服务器，角色又能听到你了。`/语音 不收听我` 可以停止。',
  'voice.reset.endedMeanwhile': '重置完成之前会话已经结束。',
  'voice.reset.done': '🧹 {persona} 忘掉了这段对话。',
  'voice.reset.notice': '🧹 {user} 重置了对话：**{persona}** 忘掉了之前说过的所有内容。',
  'voice.status.none': '当前没有语音会话。用 `/加入` 开始。',
  'voice.status.title': '🎙️ {persona} 正在收听',
  'voice.status.session': '会话',
  'voice.status.sessionValue': '{age} · 模型 {state}',
  'voice.status.audio': '本次会话的模型音频',
  'voice.status.audioValue': '输入 {in} 秒 · 输出 {out} 秒',
  'voice.status.today': '今天',
  'voice.status.todayCap': '已用 {used} 分钟，上限 {cap} 分钟',
  'voice.status.todayNoCap': '已用 {used} 分钟（无每日上限）',
  'voice.status.heard': '听到的人',
  'voice.status.nobody': '还没有人',
  'voice.status.speaking': '正在说话',
  'voice.status.optedOut': '已选择不被收听，不会被听到',
  'voice.status.packets': '{count} 个数据包',
  'voice.status.corrupt': '{count} 个损坏',
  'voice.status.latency': '最近几轮的延迟（毫秒）',
  'voice.status.latencyHead': '发言者            结束→提交    提交→音频     音频→发包     合计',
  'voice.status.noTurns': '还没有对话轮次。',
  'voice.status.lastEnd': '上次会话结束（仅管理员可见）',
  'voice.status.lastEndValue': '{when}：{reason}',
  'voice.status.e2ee': '加密',
  'voice.status.e2eeUnknown': '未知',
  'voice.status.e2eeTransport': '仅传输加密（本次通话不是端到端加密）',
  'voice.status.e2eeSettingUp': '端到端加密（DAVE v{version}）正在建立；建立之前我不会说话',
  'voice.status.e2eeReady': '端到端加密（DAVE v{version}）· 纪元 {epoch} · 隐私码 {code}',

  // ---- /设置 ----------------------------------------------------------------------------------
  'settings.current': '⚙️ 当前设置',
  'settings.saved': '✅ 已保存',
  'settings.defaultPersona': '• 默认角色：**{persona}** `{id}`',
  'settings.transcriptsIn': '• 文字记录：开启，发到 <#{channel}>',
  'settings.transcriptsVoiceChat': '• 文字记录：开启，发到语音频道的聊天',
  'settings.transcriptsOff': '• 文字记录：关闭',
  'settings.cap': '• 每日上限：{minutes} 分钟',
  'settings.capNone': '• 每日上限：无限制',
  'settings.switchRole': '• 切换角色：<@&{role}> 和管理员',
  'settings.switchEveryone': '• 切换角色：所有人',
  'settings.cannotHoldMessages': '{name} 不能发送消息。请选择一个文字频道。',
  'settings.minutesRange': '分钟数必须在 0（无限制）到 1440 之间。',
  'settings.vad': '• 语音检测：结束发言的静音 {silence} · 语音前保留 {padding} · 能量阈值 {energy}',
  'settings.vadDefault': '默认',
  'settings.vadRange': '静音须为 100–10000 毫秒，前置为 0–5000 毫秒，能量阈值在 0 到 1 之间。',
  'settings.vadUnsupported': '当前使用的语音模型不接受这些值：{problems}',
  'settings.vadNextJoin': '正在进行的会话保持原来的语音检测；新的设置从下一次 `/加入` 开始生效。',

  // ---- 用量、会话结束（公开，用服务器的语言） ---------------------------------------------------
  'usage.capRefusal':
    '本服务器今天的语音额度（{cap} 分钟）已用完。额度在 UTC 00:00 重置（还有 {resetIn}）；管理员可以用 `/设置 每日上限` 提高。',
  'usage.capLeft':
    '⏹️ 本服务器今天的语音额度（{cap} 分钟）已用完，所以 {persona} 离开了，不再收听。额度在 UTC 00:00 重置（还有 {resetIn}）。管理员可以用 `/设置 每日上限` 提高。',
  'ended.notice': '⚠️ 语音会话结束了：{persona} 停止了收听，因为{why}。用 `/加入` 重新开始。',
  'ended.someone': '角色',
  'model.credentials': '语音模型服务拒绝了这个机器人的访问；运行机器人的人可以在日志里看到详情',
  'model.quota': '这个机器人在语音模型服务的额度已用完；运行机器人的人可以在日志里看到详情',
  'model.rate': '语音模型服务正在限制这个机器人的用量；请过几分钟再试 `/加入`',
  'model.unavailable': '这个机器人设置的语音模型不可用；运行机器人的人可以在日志里看到详情',
  'model.unreachable': '我连不上语音模型服务；请一分钟后再试 `/加入`',
  'model.other': '语音模型服务出错停止了；请再试一次 `/加入`；运行机器人的人可以在日志里看到详情',
  'ended.kicked': '我被断开了语音频道（被移动、被踢出，或频道已被删除）',
  'ended.daveRequired':
    'Discord 要求这里使用端到端加密语音，而我的连接无法建立加密；运行机器人的人可能需要更新它',
  'ended.storm': 'Discord 连续 {count} 次拒绝了语音连接；请等一分钟再试',
  'ended.gatewayLost': '我与 Discord 的连接断开了，一分钟内没能恢复',
  'ended.leaseLost': '机器人的这个实例失去了本服务器语音会话的归属（另一个实例接管了，或者连不上它的数据库）',
  'ended.disconnected': '语音连接断开了，无法恢复',
  'ended.rateLimited': 'Discord 限制了我的语音连接频率，所以我停止了重试；请过几分钟再 `/加入`',
  'ended.callTerminated': 'Discord 结束了我的语音通话（频道被删除、我被移出，或它的语音服务器变了）',
  'ended.e2eeGaveUp':
    '即使用新的加密密钥重新加入，我也无法解密这里任何人说的话，所以我离开了；如果反复发生，请告诉运行机器人的人',
  'ended.e2eeRejoinFailed': '我离开并重新加入以更新通话的加密密钥，但没能回来',
  'leave.someone': '角色',
  'ended.modelError': '与语音模型的连接失败了（服务器管理员可以在 `/语音 状态` 里看到原因）',
  'duration.hm': '{h} 小时 {m} 分钟',
  'duration.m': '{m} 分钟',
  'elapsed.s': '{s} 秒',
  'elapsed.ms': '{m} 分 {s} 秒',
};
