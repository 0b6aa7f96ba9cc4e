// Every JSON sample in StepFun's realtime pages, as printed (comments stripped from the guide's
// JSONC tool fragments, which are wrapped in the session.update that carries them). Each names its
// page and section. The decoder must accept all of them: stepfun-samples.test.ts checks that, and
// test/docs-stream.test.ts plays the server samples to a session over a real socket.
//
// Pages (zh, snapshot of 2026-06):
// - https://platform.stepfun.com/docs/zh/api-reference/realtime/chat (the event reference)
// - https://platform.stepfun.com/docs/zh/guides/developer/realtime (the developer guide)
// - https://platform.stepfun.com/docs/zh/guides/models/stepaudio-2.5-realtime (the model page's quick start)
// Where a sample disagrees with its own section (the session.updated sample is typed
// session.created; the response.created sample is a response.done), it is kept as printed.

export interface StepfunSample {
  page: string;
  /** The section heading the sample sits under. */
  section: string;
  direction: 'client' | 'server';
  /** The sample's JSON, one line. */
  json: string;
  note?: string;
}

const REF = 'https://platform.stepfun.com/docs/zh/api-reference/realtime/chat';
const GUIDE = 'https://platform.stepfun.com/docs/zh/guides/developer/realtime';
const MODEL_PAGE = 'https://platform.stepfun.com/docs/zh/guides/models/stepaudio-2.5-realtime';

export const STEPFUN_SAMPLES: readonly StepfunSample[] = [
  {
    page: REF,
    section: '创建/更新 session',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"session.update","session":{"modalities":["text","audio"],"instructions":"你是由阶跃星辰提供的AI聊天助手，你擅长中文，英文，以及多种其他语言的对话。","voice":"linjiajiejie","input_audio_format":"pcm16","output_audio_format":"pcm16","tools":[{"type":"retrieval","function":{"description":"本知识库可以回答用户十万个为什么相关问题","options":{"vector_store_id":"164643690285936640","prompt_template":"从文档{{knowledge}}中找到问题{{query}}的答案。根据文档内容中的语句找到答案, 如果文档中没用答案则告诉用户找不到"}}},{"type":"retrieval","function":{"description":"本知识库可以回答用户redis安装等相关问题","options":{"vector_store_id":"164643837904470016","prompt_template":"从文档{{knowledge}}中找到问题{{query}}的答案。根据文档内容中的语句找到答案, 如果文档中没用答案则告诉用户找不到"}}}],"turn_detection":{"type":"server_vad","prefix_padding_ms":500}}}',
  },
  {
    page: REF,
    section: '音频内容追加',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"input_audio_buffer.append","audio":"Base64EncodedAudioData"}',
  },
  {
    page: REF,
    section: '音频内容提交',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"input_audio_buffer.commit"}',
  },
  {
    page: REF,
    section: '音频内容清理',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"input_audio_buffer.clear"}',
  },
  {
    page: REF,
    section: '会话消息添加',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"conversation.item.create","item":{"id":"msg_001","type":"message","role":"user","content":[{"type":"input_text","text":"你好"}]}}',
  },
  {
    page: REF,
    section: '会话消息删除',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"conversation.item.delete","item_id":"msg_003"}',
  },
  {
    page: REF,
    section: '推理提交',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"response.create"}',
  },
  {
    page: REF,
    section: '推理取消',
    direction: 'client',
    json: '{"event_id":"event_abc","type":"response.cancel"}',
  },
  {
    page: REF,
    section: '错误事件',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"error","error":{"type":"invalid_request_error","code":"invalid_param","message":"音频内容不完整","event_id":"event_567"}}',
  },
  {
    page: REF,
    section: '创建 session 响应',
    direction: 'server',
    json: '{"event_id":"event_def","type":"session.created","session":{"id":"sess_001","object":"realtime.session","model":"step-1o-audio","modalities":["text","audio"],"instructions":"你是由阶跃星辰提供的AI聊天助手，你擅长中文，英文，以及多种其他语言的对话。","voice":"linjiajiejie","input_audio_format":"pcm16","output_audio_format":"pcm16","max_response_output_tokens":"4096"}}',
  },
  {
    page: REF,
    section: '更新 session 响应',
    direction: 'server',
    json: '{"event_id":"event_def","type":"session.created","session":{"modalities":["text","audio"],"instructions":"你是由阶跃星辰提供的AI聊天助手，你擅长中文，英文，以及多种其他语言的对话。","voice":"wenrounansheng","input_audio_format":"pcm16","output_audio_format":"pcm16","max_response_output_tokens":4096}}',
  },
  {
    page: REF,
    section: '音频输入激活开始 （VAD）',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"input_audio_buffer.speech_started","audio_start_ms":1000,"item_id":"msg_003"}',
  },
  {
    page: REF,
    section: '音频输入激活结束 （VAD）',
    direction: 'server',
    json: '{"event_id":"event_1718","type":"input_audio_buffer.speech_stopped","audio_end_ms":2000,"item_id":"msg_003"}',
  },
  {
    page: REF,
    section: '音频内容流式返回',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"response.audio.delta","item_id":"msg_008","delta":"Base64EncodedAudioDelta"}',
  },
  {
    page: REF,
    section: '音频内容流式结束',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"response.audio.done","response_id":"traceid","item_id":"msg_008"}',
  },
  {
    page: REF,
    section: '音频内容文字流返回',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"response.audio_transcript.delta","item_id":"msg_002","output_index":0,"delta":"Hello, how can I a"}',
  },
  {
    page: REF,
    section: '音频内容文字流结束',
    direction: 'server',
    json: '{"event_id":"event_4748","type":"response.audio_transcript.done","response_id":"resp_001","item_id":"msg_008","content_index":0,"transcript":"Hello, how can I assist you today?"}',
  },
  {
    page: REF,
    section: '推理思考流返回',
    direction: 'server',
    json: '{"event_id":"event_thinking_delta","type":"response.thinking.delta","response_id":"resp_001","item_id":"msg_008","output_index":0,"content_index":0,"delta":"通过分析..."}',
  },
  {
    page: REF,
    section: '推理思考流结束',
    direction: 'server',
    json: '{"event_id":"event_thinking_done","type":"response.thinking.done","response_id":"resp_001","item_id":"msg_008","output_index":0,"content_index":0,"thinking":"完整思考过程..."}',
  },
  {
    page: REF,
    section: '回复文字内容流式返回',
    direction: 'server',
    json: '{"event_id":"event_4950","type":"response.text.delta","response_id":"resp_001","item_id":"msg_009","output_index":0,"content_index":0,"delta":"Sure, "}',
  },
  {
    page: REF,
    section: '回复文字内容流式结束',
    direction: 'server',
    json: '{"event_id":"event_5152","type":"response.text.done","response_id":"resp_001","item_id":"msg_009","output_index":0,"content_index":0,"text":"Sure, I can help with that."}',
  },
  {
    page: REF,
    section: '会话消息创建响应',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"conversation.item.created","previous_item_id":"msg_001","item":{"id":"msg_002","object":"realtime.item","type":"message","status":"completed","role":"user","content":[{"type":"input_text","transcript":"你好"}]}}',
  },
  {
    page: REF,
    section: '会话消息删除响应',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"conversation.item.deleted","item_id":"msg_001"}',
  },
  {
    page: REF,
    section: '用户提交音频的转录结果完成',
    direction: 'server',
    json: '{"event_id":"event_2122","type":"conversation.item.input_audio_transcription.completed","item_id":"msg_003","content_index":0,"transcript":"你好"}',
  },
  {
    page: REF,
    section: '音频内容提交响应',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"input_audio_buffer.committed","previous_item_id":"msg_001","item_id":"msg_002"}',
  },
  {
    page: REF,
    section: '音频内容删除响应',
    direction: 'server',
    json: '{"event_id":"event_1314","type":"input_audio_buffer.cleared"}',
  },
  {
    page: REF,
    section: '推理有输出项目产生',
    direction: 'server',
    json: '{"event_id":"event_3334","type":"response.output_item.added","response_id":"resp_001","output_index":0,"item":{"id":"msg_007","object":"realtime.item","type":"message","status":"in_progress","role":"assistant","content":[]}}',
  },
  {
    page: REF,
    section: '推理有输出项目完成',
    direction: 'server',
    json: '{"event_id":"event_3536","type":"response.output_item.done","response_id":"resp_001","output_index":0,"item":{"id":"msg_007","object":"realtime.item","type":"message","status":"completed","role":"assistant","content":[{"type":"text","text":"Sure, I can help with that."}]}}',
  },
  {
    page: REF,
    section: '推理的输出项目中有新的内容生成',
    direction: 'server',
    json: '{"event_id":"event_3738","type":"response.content_part.added","response_id":"resp_001","item_id":"msg_007","output_index":0,"content_index":0,"part":{"type":"text","text":""}}',
  },
  {
    page: REF,
    section: '推理的输出项目中有新的内容完成',
    direction: 'server',
    json: '{"event_id":"event_3940","type":"response.content_part.done","response_id":"resp_001","item_id":"msg_007","output_index":0,"content_index":0,"part":{"type":"text","text":"Sure, I can help with that."}}',
  },
  {
    page: REF,
    section: '推理创建响应',
    direction: 'server',
    json: '{"event_id":"event_3132","type":"response.done","response":{"id":"resp_001","object":"realtime.response","status":"completed","status_details":null,"output":[{"id":"msg_006","object":"realtime.item","type":"message","status":"completed","role":"assistant","content":[{"type":"text","text":"Sure, how can I assist you today?"}]}]}}',
  },
  {
    page: REF,
    section: '推理结束响应',
    direction: 'server',
    json: '{"event_id":"event_bcd","type":"response.done","response":{"id":"resp_001","object":"realtime.response","status":"completed","status_details":null,"output":[{"id":"msg_006","object":"realtime.item","type":"message","status":"completed","role":"assistant","content":[{"type":"text","text":"你好"}]}]}}',
  },
  {
    page: GUIDE,
    section: '工具配置方式',
    direction: 'client',
    note: 'a tools fragment from the guide, sent inside session.update',
    json: '{"type":"session.update","session":{"tools":[{"type":"web_search","function":{"description":"网络搜索工具","options":{"top_k":5,"timeout_seconds":3}}},{"type":"function","function":{"name":"get_weather","description":"获取指定城市的天气信息","parameters":{"type":"object","properties":{"location":{"type":"string","description":"城市名称，如：北京、上海"}},"required":["location"]}}}]}}',
  },
  {
    page: GUIDE,
    section: '使用示例',
    direction: 'client',
    note: 'a tools fragment from the guide, sent inside session.update',
    json: '{"type":"session.update","session":{"tools":[{"type":"web_search"}]}}',
  },
  {
    page: GUIDE,
    section: '高级参数',
    direction: 'client',
    note: 'a tools fragment from the guide, sent inside session.update',
    json: '{"type":"session.update","session":{"tools":[{"type":"web_search","function":{"description":"搜索工具","options":{"top_k":5,"timeout_seconds":3}}}]}}',
  },
  {
    page: GUIDE,
    section: '一、功能配置步骤',
    direction: 'client',
    note: 'a tools fragment from the guide, sent inside session.update',
    json: '{"type":"session.update","session":{"tools":[{"type":"retrieval","function":{"description":"当用户问题涉及菜谱、烹饪步骤、食材处理或厨房技巧时，从此知识库检索答案","options":{"vector_store_id":"133192900598194176","prompt_template":"从文档{{knowledge}}中找到问题{{query}}的答案。根据文档内容中的语句提取答案，若文档中无答案则告知用户无法回答"}}}]}}',
  },
  {
    page: GUIDE,
    section: '函数配置',
    direction: 'client',
    json: '{"type":"session.update","session":{"tools":[{"type":"function","function":{"name":"get_weather","description":"获取指定城市的天气信息","parameters":{"type":"object","properties":{"location":{"type":"string","description":"城市名称，如：北京、上海"}},"required":["location"]}}}]}}',
  },
  {
    page: GUIDE,
    section: '1. 检测函数调用',
    direction: 'server',
    json: '{"event_id":"cee2a492-012c-4655-ac50-5db2c99f4345","type":"conversation.item.created","item":{"id":"item_20250622105814","type":"function_call","status":"incomplete","call_id":"call_20250622225814_get_weather","name":"get_weather","object":"realtime.item"}}',
  },
  {
    page: GUIDE,
    section: '2. 接收函数参数',
    direction: 'server',
    json: '{"type":"response.function_call_arguments.delta","call_id":"call_20250622225814_get_weather","arguments":"{\\"location\\":\\"北","name":"get_weather"}',
  },
  {
    page: GUIDE,
    section: '2. 接收函数参数',
    direction: 'server',
    json: '{"type":"response.function_call_arguments.done","call_id":"call_20250622225814_get_weather","arguments":"{\\"location\\":\\"北京\\"}","name":"get_weather"}',
  },
  {
    page: GUIDE,
    section: '3. 返回函数执行结果',
    direction: 'client',
    json: '{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_20250622225814_get_weather","output":"北京：晴，25°C"}}',
  },
  {
    page: GUIDE,
    section: '4. 触发模型响应',
    direction: 'client',
    json: '{"type":"response.create"}',
  },
  {
    page: GUIDE,
    section: '1. 配置星座运势函数',
    direction: 'client',
    json: '{"type":"session.update","session":{"tools":[{"type":"function","function":{"name":"generate_horoscope","description":"提供某个星座的今日运势。","parameters":{"type":"object","properties":{"sign":{"type":"string","description":"需要查询运势的星座。","enum":["白羊座","金牛座","双子座","巨蟹座","狮子座","处女座","天秤座","天蝎座","射手座","摩羯座","水瓶座","双鱼座"]}},"required":["sign"]}}}]}}',
  },
  {
    page: GUIDE,
    section: '2. 用户请求与函数调用',
    direction: 'server',
    json: '{"type":"response.done","response":{"output":[{"type":"function_call","name":"generate_horoscope","call_id":"call_sHlR7iaFwQ2YQOqm","arguments":"{\\"sign\\":\\"水瓶座\\"}"}]}}',
  },
  {
    page: GUIDE,
    section: '3. 返回函数执行结果',
    direction: 'client',
    json: '{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_sHlR7iaFwQ2YQOqm","output":"{\\"horoscope\\": \\"今天是你展现创造力的好时机，可能会遇到意想不到的机遇。\\"}"}}',
  },
  {
    page: GUIDE,
    section: '4. 获取最终响应',
    direction: 'client',
    json: '{"type":"response.create"}',
  },
  {
    page: GUIDE,
    section: '实现开场白',
    direction: 'client',
    json: '{"type":"response.create","session":{"instructions":"请你原样无修改地输出下面的话：你好，我是阶跃星辰开发的AI助手。"}}',
  },
  {
    page: GUIDE,
    section: '错误处理',
    direction: 'server',
    json: '{"type":"invalid_request_error","code":"invalid_value","message":"无效值: \'scooby.dooby.doo\' ...","param":"type","event_id":"my_awesome_event"}',
  },
  {
    page: MODEL_PAGE,
    section: '快速上手',
    direction: 'client',
    note: 'the quick start sends this dict from Python',
    json: '{"event_id":"event_001","type":"session.update","session":{"modalities":["text","audio"],"instructions":"你是有耐心的陪伴搭子，回答自然、温暖、有人情味。允许使用轻笑、叹息等副语言信号。","voice":"linjiajiejie","input_audio_format":"pcm16","output_audio_format":"pcm16","turn_detection":{"type":"server_vad","prefix_padding_ms":500}}}',
  },
  {
    page: GUIDE,
    section: '会话生命周期事件',
    direction: 'client',
    note: 'a JavaScript object literal in the guide',
    json: '{"type":"session.update","session":{"instructions":"在回复中绝对不要使用\'moist\'这个词！"}}',
  },
  {
    page: GUIDE,
    section: '文本输入与输出',
    direction: 'client',
    note: 'a JavaScript object literal in the guide',
    json: '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Prince哪张专辑销量最高？"}]}}',
  },
  {
    page: GUIDE,
    section: '文本输入与输出',
    direction: 'client',
    note: 'a JavaScript object literal in the guide',
    json: '{"type":"response.create","response":{"modalities":["text"]}}',
  },
  {
    page: GUIDE,
    section: '向服务器流式传输音频输入',
    direction: 'client',
    note: 'base64Chunk stands for real audio',
    json: '{"type":"input_audio_buffer.append","audio":"AAABAAIA"}',
  },
  {
    page: GUIDE,
    section: '向服务器流式传输音频输入',
    direction: 'client',
    json: '{"type":"input_audio_buffer.commit"}',
  },
  {
    page: GUIDE,
    section: '发送完整音频消息',
    direction: 'client',
    note: 'fullAudio stands for real audio',
    json: '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_audio","audio":"AAABAAIA"}]}}',
  },
  {
    page: GUIDE,
    section: '错误处理',
    direction: 'client',
    note: 'an unsupported type, on purpose: the server answers with the error sample',
    json: '{"event_id":"my_awesome_event","type":"scooby.dooby.doo"}',
  },
];
