// Русский: язык по умолчанию, когда его просит браузер. Ключи те же, что в en.ts.
import type en from './en'

const ru: typeof en = {
  app: { name: 'omnigate', language: 'Язык', signOut: 'Выйти', connectionLost: 'Связь потеряна. Переподключаемся… Данные на экране могут быть устаревшими.' },
  signIn: {
    title: 'Вход',
    login: 'Логин',
    password: 'Пароль',
    workplace: 'Рабочее место',
    workplaceHint: 'Ваше рабочее место, если оно есть (браузер его запомнит)',
    submit: 'Войти',
    working: 'Входим…',
    ended: {
      session_ended: 'Ваш сеанс завершён в другом месте. Войдите снова.',
      user_inactive: 'Ваша учётная запись отключена. Обратитесь к бизнес-администратору.',
      refresh_token_reused: 'Сеанс завершён: им воспользовались из другого места. Войдите снова.',
      other: 'Сеанс завершён. Войдите снова.',
    },
  },
  errors: {
    network: 'omnigate не отвечает. Проверьте подключение к сети и повторите.',
    invalid_credentials: 'Неверный логин или пароль.',
    too_many_failures: 'Слишком много неудачных попыток. Подождите несколько минут и повторите.',
    insufficient_permission: 'Это действие вам недоступно: {message}',
    not_yours: 'Это обращение не ваше.',
    generic: '{message}',
  },
  nav: {
    workspace: 'Рабочее место',
    notAllowed: 'Эта страница не для вашей роли.',
    noPageYet: 'Страниц для вашей роли в консоли пока нет. Всё это уже доступно через REST API (docs/rest-api.md).',
  },
  status: {
    label: 'Статус',
    ready: 'Готов',
    busy: 'Занят',
    break: 'Перерыв',
    offline: 'Не в сети',
    wrap_up: 'Поствызывная обработка',
    not_responding: 'Не отвечает',
    breakReason: 'Причина перерыва',
  },
  offer: {
    title: 'Новое обращение',
    expiresIn: 'Примите за {seconds} с',
    accept: 'Принять',
    decline: 'Отклонить',
  },
  list: {
    title: 'Мои обращения',
    empty: 'Сейчас здесь пусто. Пока вы в статусе «Готов», новые обращения появляются выше.',
    statuses: { offered: 'предложено', transferred: 'переведено', assigned: 'в работе', waiting: 'ждём клиента', postponed: 'отложено' },
  },
  conversation: {
    pick: 'Выберите обращение слева.',
    composer: 'Ваш ответ (Ctrl+Enter — отправить)',
    send: 'Отправить',
    close: 'Закрыть',
    resolution: 'Результат',
    closeConfirm: 'Закрыть обращение',
    cancel: 'Отмена',
    client: 'Клиент',
    operator: 'Оператор',
    bot: 'Бот',
    system: 'omnigate',
    integration: 'CRM',
    failed: 'не доставлено',
    attachment: 'вложение',
  },
}

export default ru
