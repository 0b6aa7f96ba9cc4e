// 简体中文 /help 与 /privacy（与 docs-en.ts 逐条对应）。
import type { EN_DOCS } from './docs-en.ts';

export const ZH_DOCS: Record<keyof typeof EN_DOCS, string> = {
  'help.title': 'Troupe：语音频道里的角色扮演',
  'help.intro':
    '进入一个语音频道，输入 `/join`（`/加入`）：角色会加入频道，用语音回答每个人，中文英文都可以。它是 AI；频道里的每个人都会收到通知，任何人都可以用 `/voice optout`（`/语音 不收听我`）选择不被收听。',
  'help.commands': '命令',
  'help.admins': '服务器管理员专用',
  'help.footer': '/privacy（/隐私）：数据发往哪里、保存什么、如何删除',

  'privacy.title': '隐私：Troupe 如何处理你的声音',
  'privacy.intro':
    'Troupe 会把一个 AI 角色带进语音频道。只要它在频道里，频道聊天中就会有一条通知说明这一点。',
  'privacy.sent.title': '发送了什么、发往哪里',
  'privacy.sent.body':
    '角色在语音频道期间，频道里所有未选择退出的人的声音会被实时传送到阶跃星辰（StepFun）的实时语音模型（StepAudio），以便角色回答；同时发送的还有每位发言者在本服务器的显示名（作为标签，例如 [Alice]）和角色设定。StepFun 返回语音回复和文字转写。StepFun 如何处理这些数据，以 StepFun 自己的条款和隐私政策为准。',
  'privacy.optout.title': '选择不被收听',
  'privacy.optout.body':
    '`/voice optout`（`/语音 不收听我`，按服务器生效，立即生效）：你的声音在机器人内部就被丢弃，绝不转发，你的名字也不会被发送。`/voice optin`（`/语音 收听我`）可以撤销。你也可以直接离开频道或把自己静音。',
  'privacy.stored.title': '机器人保存什么',
  'privacy.stored.body':
    '在它的数据库中，按服务器保存：管理员选择的设置、管理员导入的角色（以及导入者的用户 ID）、每天使用的语音分钟数（按服务器统计，不按个人）、选择退出的成员的用户 ID，以及当前使用的频道和角色（用于崩溃后重新加入）。如果运行机器人的人开启了场景记忆，还会按语音频道和角色保存语音里说过的话的文字（语音模型转写的文字）：每句话连同说话人的显示名和用户 ID（或角色）以及时间，让角色回来时还记得场景。绝不保存已选择退出的成员说的话，也绝不保存音频。',
  'privacy.memory.title': '仅在会话期间保留',
  'privacy.memory.body':
    '最近的对话文字（每个角色最多 60 轮，场景最近的 200 句），以便连接中断后角色能接着聊、新加入场景的角色知道之前说了什么。会话结束或执行 `/voice reset`（`/语音 重置`）时即被丢弃。',
  'privacy.transcripts.title': '文字记录（除非管理员开启，否则关闭）',
  'privacy.transcripts.body':
    '管理员用 `/settings transcripts` 开启后，频道里说的话会以文字形式发到本服务器的某个频道。这些消息就是普通的 Discord 消息：在有人删除之前，Discord 会一直保留。',
  'privacy.logs.title': '日志',
  'privacy.logs.body':
    '运营者的日志会记录服务器、频道和用户 ID、命令和错误，用于排查问题；绝不记录音频。日志保留多久由运行机器人的人决定。',
  'privacy.delete.title': '保留期限与删除',
  'privacy.delete.body':
    '场景记忆按服务器的保留期保存（默认 30 天，管理员可用 `/settings memory`（`/设置 记忆`）修改；设为 0 则什么都不保留），过期即删除。`/voice forget`（`/语音 忘记`，管理员或拥有切换权限身份组的成员）会立即清除一个频道的场景记忆；`/voice optout` 会停止转发你的声音，并清除你在本服务器场景里说过的所有话；`/voice optin` 会删除你的退出记录。管理员可以用 `/persona remove` 删除导入的角色、用 `/settings` 修改设置。把机器人移出服务器会删除它保存的关于该服务器的全部数据。其他问题请联系运行这个机器人的人。',
};
