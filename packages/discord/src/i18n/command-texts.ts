// Names and descriptions of every command, subcommand and option, in English (the default Discord
// shows) and Simplified Chinese (`zh-CN` name/description localizations). A path is the command
// name, then the subcommand, then the option: `persona.set.persona`. Localized names follow
// Discord's rules (1-32 characters of letters, digits, - or _, lower case where a case exists):
// https://discord.com/developers/docs/interactions/application-commands#localization

/** [Chinese name, English description, Chinese description]; the English name is the path's last part. */
type Entry = readonly [zhName: string, en: string, zh: string];

export const COMMAND_TEXTS = {
  join: ['加入', 'Bring a persona into a voice channel', '让一个角色进入语音频道'],
  'join.channel': ['频道', 'Voice channel (default: the one you are in)', '语音频道（默认：你所在的频道）'],
  'join.persona': [
    '角色',
    'Persona to play (default: the server default)',
    '要扮演的角色（默认：服务器的默认角色）',
  ],
  leave: ['离开', 'Make the persona leave the voice channel', '让角色离开语音频道'],
  persona: ['角色', 'Browse, switch and manage personas', '浏览、切换和管理角色'],
  'persona.list': ['列表', 'List the personas available here', '列出这里可用的角色'],
  'persona.show': ['查看', 'Show a persona', '查看一个角色'],
  'persona.show.persona': ['角色', 'Persona', '角色'],
  'persona.set': ['切换', 'Switch the active persona (keeps the conversation)', '切换当前角色（保留对话）'],
  'persona.set.persona': ['角色', 'Persona', '角色'],
  'persona.import': [
    '导入',
    'Import a character card (SillyTavern V1/V2/V3, JSON or PNG) into this server (admins)',
    '把角色卡（SillyTavern V1/V2/V3，JSON 或 PNG）导入本服务器（管理员）',
  ],
  'persona.import.card': ['角色卡', 'Character card file', '角色卡文件'],
  'persona.import.voice': [
    '声音',
    'Voice id (default: the card’s own, else one suggested from its tags)',
    '声音 ID（默认：角色卡自带的，否则按标签推荐）',
  ],
  'persona.import.replace': [
    '替换',
    'Replace an imported persona with the same id (default: import under a new id)',
    '替换同一 ID 的已导入角色（默认：用新 ID 导入）',
  ],
  'persona.remove': ['删除', 'Remove an imported persona (admins)', '删除一个导入的角色（管理员）'],
  'persona.remove.persona': ['角色', 'Imported persona', '导入的角色'],
  'persona.edit': [
    '编辑',
    'Change an imported persona’s voice, greeting or name (admins)',
    '修改导入角色的声音、问候语或名字（管理员）',
  ],
  'persona.edit.persona': ['角色', 'Imported persona', '导入的角色'],
  'persona.edit.voice': ['声音', 'New voice id', '新的声音 ID'],
  'persona.edit.greeting': ['问候语', 'New greeting, said on every join', '新的问候语（每次加入时说）'],
  'persona.edit.name': ['名字', 'New name', '新名字'],
  scene: ['场景', 'Several characters in one voice channel', '一个语音频道里的多个角色'],
  'scene.add': ['添加', 'Add a character to the voice channel’s scene', '给语音频道的场景添加一个角色'],
  'scene.add.persona': ['角色', 'Persona', '角色'],
  'scene.remove': ['移除', 'Remove a character from the scene', '从场景中移除一个角色'],
  'scene.remove.persona': ['角色', 'Character in the scene', '场景中的角色'],
  'scene.list': [
    '列表',
    'Who is in the scene, its mode and the sessions it uses',
    '场景里有谁、模式和占用的会话',
  ],
  'scene.mode': ['模式', 'Who answers when nobody is called by name', '没人被点名时由谁回答'],
  'scene.mode.mode': ['模式', 'lead, round-robin or natural', '主角、轮流或自然'],
  'scene.mode.channel': [
    '频道',
    'Voice channel (default: the scene’s, else yours)',
    '语音频道（默认：场景所在的，否则你所在的）',
  ],
  'scene.next': ['下一个', 'Make a character speak now', '让一个角色现在说话'],
  'scene.next.persona': ['角色', 'Character (default: the next in turn)', '角色（默认：轮到的下一个）'],
  'scene.addressed-only': [
    '点名才答',
    'Characters answer only when called by name (admins)',
    '角色只在被点名时回答（管理员）',
  ],
  'scene.addressed-only.enabled': ['开启', 'On or off', '开启或关闭'],
  'scene.addressed-only.channel': [
    '频道',
    'Voice channel (default: the scene’s, else yours)',
    '语音频道（默认：场景所在的，否则你所在的）',
  ],
  voice: ['语音', 'Voice session tools', '语音会话工具'],
  'voice.status': ['状态', 'Who is heard, session age, usage and latency', '谁被听到、会话时长、用量和延迟'],
  'voice.reset': ['重置', 'Make the persona forget this conversation', '让角色忘掉这段对话'],
  'voice.optout': ['不收听我', 'Never send my voice to the persona', '不要把我的声音发给角色'],
  'voice.optin': ['收听我', 'Let the persona hear me again', '让角色重新听到我'],
  'voice.forget': [
    '忘记',
    'Erase a channel’s stored scene memory (admins or the switch role)',
    '清除频道保存的场景记忆（管理员或切换权限身份组）',
  ],
  'voice.forget.channel': [
    '频道',
    'Voice channel (default: the session’s, else yours)',
    '语音频道（默认：会话所在的，否则你所在的）',
  ],
  settings: ['设置', 'Server settings for Troupe (admins)', 'Troupe 的服务器设置（管理员）'],
  'settings.show': ['查看', 'Show the current settings', '查看当前设置'],
  'settings.default-persona': [
    '默认角色',
    'Persona used by /join when none is given',
    '/加入 未指定角色时使用的角色',
  ],
  'settings.default-persona.persona': ['角色', 'Persona', '角色'],
  'settings.transcripts': [
    '文字记录',
    'Post voice transcripts to a text channel',
    '把语音的文字记录发到文字频道',
  ],
  'settings.transcripts.enabled': ['开启', 'On or off', '开启或关闭'],
  'settings.transcripts.channel': [
    '频道',
    'Text channel (default: the voice channel chat)',
    '文字频道（默认：语音频道的聊天）',
  ],
  'settings.cap': [
    '每日上限',
    'Daily voice minutes for this server (0 = unlimited)',
    '本服务器每天的语音分钟数（0 = 无限制）',
  ],
  'settings.cap.minutes': ['分钟', 'Minutes per UTC day', '每个 UTC 日的分钟数'],
  'settings.switch-role': [
    '切换权限',
    'Role allowed to switch personas (omit: everyone)',
    '允许切换角色的身份组（不填：所有人）',
  ],
  'settings.switch-role.role': ['身份组', 'Role', '身份组'],
  'settings.memory': [
    '记忆',
    'How many days scene memory is kept (0 = none)',
    '场景记忆保留多少天（0 = 不保留）',
  ],
  'settings.memory.days': ['天数', 'Days, 0 to 365', '天数，0 到 365'],
  'settings.vad': [
    '语音检测',
    'When a speaker’s turn starts and ends, for new sessions (admins)',
    '新会话中如何判断发言的开始和结束（管理员）',
  ],
  'settings.vad.silence-ms': [
    '静音毫秒',
    'Silence that ends a turn, in ms (100-10000)',
    '多长的静音算一轮发言结束，毫秒（100-10000）',
  ],
  'settings.vad.padding-ms': [
    '前置毫秒',
    'Audio kept from before speech is detected, in ms (0-5000)',
    '检测到语音之前保留的音频，毫秒（0-5000）',
  ],
  'settings.vad.energy': [
    '能量阈值',
    'Loudness that counts as speech, 0-1 of full scale (higher: fewer noises heard)',
    '算作语音的响度，满刻度的 0-1（越高，越少噪音被当作语音）',
  ],
  'settings.vad.reset': ['恢复默认', 'Put all three back to the defaults first', '先把三项都恢复为默认值'],
  help: ['帮助', 'What Troupe does and how to use it', 'Troupe 是什么、怎么用'],
  privacy: [
    '隐私',
    'What is sent where, what is stored, how to opt out or delete',
    '数据发往哪里、保存什么、如何退出或删除',
  ],
} as const satisfies Record<string, Entry>;

export type CommandPath = keyof typeof COMMAND_TEXTS;

/** Discord's rule for localized command and option names (CHAT_INPUT commands). */
export const DISCORD_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The name and description localizations for a command, subcommand or option. */
export function commandLocale(path: CommandPath): {
  name: string;
  description: string;
  nameLocalizations: { 'zh-CN': string };
  descriptionLocalizations: { 'zh-CN': string };
} {
  const [zhName, en, zh] = COMMAND_TEXTS[path];
  return {
    name: path.split('.').at(-1) as string,
    description: en,
    nameLocalizations: { 'zh-CN': zhName },
    descriptionLocalizations: { 'zh-CN': zh },
  };
}

/** "/persona set" in English, "/角色 切换" in Chinese: how a reader finds a command in their client. */
export function commandLabel(path: CommandPath, lang: 'en' | 'zh-CN'): string {
  const parts = path.split('.');
  const names: string[] = [];
  for (let n = 1; n <= parts.length; n++) {
    const sub = parts.slice(0, n).join('.') as CommandPath;
    names.push(lang === 'en' ? (parts[n - 1] as string) : COMMAND_TEXTS[sub][0]);
  }
  return `/${names.join(' ')}`;
}
