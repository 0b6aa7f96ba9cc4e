// 场景（/场景）、角色卡（导入时的声音与警告、/角色 编辑）和场景记忆（/语音 忘记、/设置 记忆）的
// 简体中文文本：与 scenes-en.ts 的键和 {占位符} 一一对应（i18n.test.ts 会检查）。
import type { EN_SCENES } from './scenes-en.ts';

export const ZH_SCENES: Record<keyof typeof EN_SCENES, string> = {
  'action.sceneSettings': '修改频道的场景设置',
  'action.editPersona': '编辑角色',
  'action.forget': '清除场景记忆',
  'error.forgetNeedsRole': '清除频道的场景记忆需要“管理服务器”权限或 <@&{role}> 身份组。请联系管理员。',

  // ---- /场景 ----------------------------------------------------------------------------------
  'scene.noSession':
    '本服务器目前没有角色在语音频道里。先用 `/加入`（`/join`）开始，再用 `/场景 添加`（`/scene add`）加入其他角色。',
  'scene.noChannel': '请用 `频道:` 指定一个语音频道，或先进入一个语音频道。',
  'scene.add.done': '🎭 **{persona}** 加入了 <#{channel}> 的场景。',
  'scene.add.waiting':
    '🎭 **{persona}** 加入了 <#{channel}> 的场景，但这个机器人能用的语音模型会话都在使用中：一有空闲会话，{persona} 就会开口。',
  'scene.add.failed': '🎭 **{persona}** 加入了 <#{channel}> 的场景，但暂时连不上语音模型；被点名时会再试。',
  'scene.add.notice':
    '🎭 {user} 把 **{persona}**（同样是 AI 角色）加入了这个场景。叫角色的名字，就能决定由谁回答。',
  'scene.full':
    '场景里已经有 {count} 个角色，这是本机器人允许的上限。请先用 `/场景 移除`（`/scene remove`）移除一个。',
  'scene.already': '{persona} 已经在场景里了。',
  'scene.nameTaken':
    '场景里已经有叫 {persona} 的角色：同名的两个角色没法区分。可以用 `/角色 编辑`（`/persona edit`）改名。',
  'scene.absent': '{persona} 不在场景里。`/场景 列表`（`/scene list`）可以查看场景里有谁。',
  'scene.last': '{persona} 是这里唯一的角色。要结束会话请用 `/离开`（`/leave`）。',
  'scene.inScene':
    '这个频道正在进行多个角色的场景：请用 `/场景 添加` 和 `/场景 移除`（`/scene add`、`/scene remove`）调整角色。',
  'scene.remove.done': '👋 **{persona}** 离开了 <#{channel}> 的场景。',
  'scene.remove.notice': '👋 {user} 把 **{persona}** 移出了这个场景。',
  'scene.list.title': '🎭 <#{channel}> 里的角色',
  'scene.list.lead': '主角',
  'scene.list.live': '已连接',
  'scene.list.idle': '需要时再连接',
  'scene.list.solo': '只有一个角色，直接回答每个人。用 `/场景 添加`（`/scene add`）就成了场景。',
  'scene.list.mode': '模式：**{mode}**',
  'scene.list.addressedOnly': '点名才答：角色只在被叫到名字时回答（或者这里只有一个人时）。',
  'scene.list.everyone': '没人点名的发言，按模式决定由谁回答。',
  'scene.list.sessions': '模型会话：本场景 {live} / {limit}',
  'scene.list.process': '整个机器人 {used} / {max}',
  'scene.list.cast': '角色：最多 {max} 个',
  'scene.mode.lead': '主角（由主角回答）',
  'scene.mode.round-robin': '轮流（角色轮流回答）',
  'scene.mode.natural': '自然（健谈的角色更常开口）',
  'scene.mode.done': '<#{channel}> 的模式现在是 **{mode}**。',
  'scene.mode.notice': '🎭 {user} 把这个场景的模式设为 **{mode}**。',
  'scene.next.done': '▶️ 已请 **{persona}** 说话。',
  'scene.next.doneAny': '▶️ 已请下一个角色说话。',
  'scene.next.nobody': '现在没法请角色说话：这个角色不在场景里，或者会话正在结束。',
  'scene.addressedOnly.on': '开启',
  'scene.addressedOnly.off': '关闭',
  'scene.addressedOnly.done': '<#{channel}> 的“点名才答”现在是 **{state}**。',
  'scene.addressedOnly.noticeOn':
    '🎭 {user} 把这个频道设为“点名才答”：角色只在被叫到名字时回答（或者这里只有一个人时）。',
  'scene.addressedOnly.noticeOff': '🎭 {user} 关闭了“点名才答”：角色又会回答每一次发言了。',
  'join.noModelSession':
    '这个机器人同时能用的 {limit} 个语音模型会话都在使用中（其他频道正在聊天）。等有会话结束再试；如果 StepFun 套餐允许更多，运行机器人的人可以调高上限。',

  // ---- 角色卡：导入时的声音、警告，/角色 编辑 ------------------------------------------------
  'persona.voice.invalid':
    '{voice} 不是声音 ID：只能用字母、数字、点、短横线或下划线（最多 64 个），例如 `wenrounansheng` 或克隆声音的 ID。',
  'persona.import.voiceSuggested':
    '🎙️ 声音 `{voice}`，根据角色卡推荐（{evidence}）。可用 `/角色 编辑 角色:{id} 声音:`（`/persona edit`）更换。',
  'persona.import.voiceGuessed':
    '🎙️ 声音 `{voice}`：角色卡里没有能提示声音的内容。可用 `/角色 编辑 角色:{id} 声音:`（`/persona edit`）更换。',
  'persona.import.warnings': '⚠️ 导入时忽略或截断的内容（只有你能看到）：\n{warnings}',
  'persona.edit.builtin': '`{id}` 是内置角色，不能编辑；导入一张角色卡来做你自己的角色。',
  'persona.edit.nothing': '请说明要改什么：`声音`、`问候语` 或 `名字`。',
  'persona.edit.badName': '名字需要 1 到 80 个可见字符。',
  'persona.edit.badGreeting': '问候语需要 1 到 1000 个可见字符。',
  'persona.edit.done': '✏️ 已更新 **{persona}**（`{id}`）：{changes}。',
  'persona.edit.voice': '声音 `{voice}`',
  'persona.edit.greeting': '问候语（今后每次加入都会说）',
  'persona.edit.name': '名字（原来叫 {old}）',
  'persona.edit.live':
    '{persona} 正在 <#{channel}> 里聊天，在 `/角色 切换 角色:{id}` 或下一次 `/加入` 之前，仍使用旧版本。',
  'voice.choice.suggested': '推荐给 {persona}',
  'voice.choice.cloned': '克隆声音',
  'voice.choice.inUse': '{persona} 在用',

  // ---- 场景记忆 ------------------------------------------------------------------------------
  'join.noticeMemory':
    '角色们会以文字形式记住这里说过的话，保留 {days} 天（`/语音 忘记` 可清除；`/语音 不收听我` 会清除你说过的话）。',
  'voice.forget.done': '🧹 已清除 <#{channel}> 的场景记忆（{count} 句）。',
  'voice.forget.notice': '🧹 {user} 清除了角色们对这个频道的记忆。',
  'voice.forget.none': '这个机器人不保存场景记忆，所以没有可以清除的内容。',
  'voice.optout.erased': '你在本服务器场景里说过的话已从记忆中清除（{count} 句）。',
  'settings.memory': '• 场景记忆：保留 {days} 天',
  'settings.memoryOff': '• 场景记忆：关闭（语音里说的话都不保留）',
  'settings.memoryNone': '• 场景记忆：本机器人不保存',
  'settings.memoryUnavailable': '这个机器人不保存场景记忆（运行它的人没有设置），所以没有保留期可设。',
  'settings.daysRange': '天数必须在 0（什么都不保留）到 365 之间。',
};
